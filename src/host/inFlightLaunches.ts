import type { LaunchesInFlight } from '../aws/launch/launchTrainingJob';

/** The window's record of launches under way, created with the launch code on first use (not at activation). */
export class InFlightLaunches {
  private value: LaunchesInFlight | undefined;

  get(): LaunchesInFlight {
    if (!this.value) {
      const { LaunchesInFlight } = require('../aws/launch/launchTrainingJob') as typeof import('../aws/launch/launchTrainingJob');
      this.value = new LaunchesInFlight();
    }
    return this.value;
  }
}
