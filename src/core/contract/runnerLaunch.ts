/**
 * What each of the training toolkit's runners does on one host, once the distribution owner
 * (src/core/sagemaker/distribution.ts) has said which runner the job's hyperparameters pick: the
 * variables it exports, the command it starts (when that is a plain command), and what a local
 * run does differently. One function per runner; `computeContainerContract` calls the one named.
 *
 * TK = aws/sagemaker-training-toolkit `src/sagemaker_training/` (torch_distributed.py,
 * smdataparallel.py, mpi.py, pytorch_xla.py, process.py).
 */
import { dictGet, pythonStr, pythonTruthy } from './pythonValue';
import type { PyDict } from './pythonValue';
import type { ToolkitRunner } from '../sagemaker/distribution';

/** PTK `MASTER_PORT` and TK torch_distributed `MASTER_PORT`. */
export const TOOLKIT_MASTER_PORT = 7777;
/** torchrun's `--master_port` default. */
const TORCHRUN_DEFAULT_MASTER_PORT = 29500;
const SMDATAPARALLEL_SERVER_PORT = 7592;

/** TK `__init__.SM_EFA_NCCL_INSTANCES` / `SM_EFA_RDMA_INSTANCES`. */
const EFA_NCCL_INSTANCES = new Set([
  'ml.g4dn.8xlarge',
  'ml.g4dn.12xlarge',
  'ml.g5.48xlarge',
  'ml.p3dn.24xlarge',
  'ml.p4d.24xlarge',
  'ml.p4de.24xlarge',
  'ml.p5.48xlarge',
  'ml.trn1.32xlarge',
  'ml.p6e-gb200.36xlarge',
]);
const EFA_RDMA_INSTANCES = new Set(['ml.p4d.24xlarge', 'ml.p4de.24xlarge', 'ml.trn1.32xlarge', 'ml.p6e-gb200.36xlarge']);

export interface HostLaunchInput {
  hosts: readonly string[];
  hostIndex: number;
  masterHostname: string;
  instanceType: string;
  /** The `sagemaker_*` framework parameters (TK `additional_framework_parameters`). */
  framework: PyDict;
  /** TK `_get_by_runner_type`'s processes_per_host. */
  processesPerHost: number;
  entryPoint: string;
  userArgs: readonly string[];
  /** What every rank runs: TK `ProcessRunner._create_command`. */
  processCommand: readonly string[];
  /**
   * Set for a local run, where the hosts are processes of this machine meeting at this address and
   * port, and no launcher (torchrun's agent, mpirun) runs between the toolkit and the script.
   */
  localRendezvous?: { address: string; port: number };
}

export interface HostLaunch {
  /** Variables the runner sets on top of the container's own. */
  env: Record<string, string>;
  /** Of those, the ones only this emulation sets, not SageMaker. */
  localOnlyEnv: string[];
  /** Where a local run differs from SageMaker, in words a user can act on. */
  notes: string[];
  /**
   * What the toolkit launches on this host when that is a plain command; undefined for the
   * MPI-based runners, whose `mpirun` line is built on the master from installed libraries.
   */
  containerCommand?: string[];
}

export const RUNNER_LAUNCH: Readonly<Record<ToolkitRunner, (input: HostLaunchInput) => HostLaunch>> = {
  process: (input) => ({ env: {}, localOnlyEnv: [], notes: [], containerCommand: [...input.processCommand] }),

  mpi: (input) => ({
    env: {},
    localOnlyEnv: [],
    notes: [`On SageMaker ${input.masterHostname} starts the ranks with mpirun; here each host runs one process without MPI.`],
  }),

  pytorch_xla: () => ({
    env: {},
    localOnlyEnv: [],
    notes: ['PyTorch XLA multi-worker training needs the Training Compiler image; here each host runs one plain process.'],
  }),

  torch_distributed: (input) => {
    // TK TorchDistributedRunner._setup.
    const env: Record<string, string> = {};
    if (EFA_NCCL_INSTANCES.has(input.instanceType)) env.FI_PROVIDER = 'efa';
    if (EFA_RDMA_INSTANCES.has(input.instanceType)) {
      env.FI_EFA_USE_DEVICE_RDMA = '1';
      env.RDMAV_FORK_SAFE = '1';
    }
    env.NCCL_PROTO = 'simple';
    const hosts = input.hosts.length;
    // torchrun's defaults (torch/distributed/run.py): static rendezvous at --master_addr:--master_port,
    // which TK passes only for several hosts; one host rendezvouses at 127.0.0.1:29500.
    const master = hosts > 1 ? { address: input.masterHostname, port: TOOLKIT_MASTER_PORT } : { address: '127.0.0.1', port: TORCHRUN_DEFAULT_MASTER_PORT };
    const containerCommand = [
      'torchrun',
      '--nnodes',
      String(hosts),
      '--nproc_per_node',
      String(input.processesPerHost),
      ...(hosts > 1 ? ['--master_addr', master.address, '--master_port', String(master.port), '--node_rank', String(input.hostIndex)] : []),
      input.entryPoint,
      ...input.userArgs,
    ];
    // What torchrun's agent (LocalElasticAgent._start_workers) gives every worker besides its ranks: the
    // rendezvous it stored (which replaces the PyTorch toolkit's MASTER_ADDR/MASTER_PORT) and its own
    // state. Left out: NCCL's async error handling switch, whose name depends on the image's PyTorch
    // (NCCL_ASYNC_ERROR_HANDLING, TORCH_NCCL_ASYNC_ERROR_HANDLING from 2.2), and the per-worker error file.
    env.MASTER_ADDR = master.address;
    env.MASTER_PORT = String(master.port);
    env.TORCHELASTIC_RESTART_COUNT = '0';
    env.TORCHELASTIC_MAX_RESTARTS = '0';
    env.TORCHELASTIC_RUN_ID = 'none';
    const notes: string[] = [];
    if (input.localRendezvous) {
      // No agent here: init_process_group's env:// rendezvous makes rank 0 serve the store itself.
      env.TORCHELASTIC_USE_AGENT_STORE = 'False';
      notes.push(
        `On SageMaker torchrun starts ${input.entryPoint} on each host and its agent serves the rendezvous store (TORCHELASTIC_USE_AGENT_STORE=True); here each host process gets torchrun's worker environment directly, and rank 0 serves the store.`,
      );
    } else {
      env.TORCHELASTIC_USE_AGENT_STORE = 'True';
    }
    return withOneRankPerHost(input, { env, localOnlyEnv: [], notes, containerCommand }, false);
  },

  smdataparallel: (input) => {
    // The `-x` exports of TK SMDataParallelRunner._get_mpirun_command, which every rank inherits.
    const customOptions = dictGet(input.framework, 'sagemaker_distributed_dataparallel_custom_mpi_options');
    const ncclDebug = /--NCCL_DEBUG[= ](\S+)/.exec(customOptions ? pythonStr(customOptions) : '')?.[1] ?? 'INFO';
    const smddpInstanceType = dictGet(input.framework, 'sagemaker_instance_type');
    const instanceType = smddpInstanceType && pythonTruthy(smddpInstanceType) ? pythonStr(smddpInstanceType) : input.instanceType;
    const env: Record<string, string> = { NCCL_DEBUG: ncclDebug };
    if (input.hosts.length > 1) {
      env.SMDATAPARALLEL_USE_HOMOGENEOUS = '1';
      env.SMDATAPARALLEL_SERVER_ADDR = input.masterHostname;
      env.SMDATAPARALLEL_SERVER_PORT = String(SMDATAPARALLEL_SERVER_PORT);
      env.SAGEMAKER_INSTANCE_TYPE = instanceType;
    } else {
      env.SMDATAPARALLEL_USE_SINGLENODE = '1';
    }
    env.FI_PROVIDER = 'efa';
    env.RDMAV_FORK_SAFE = '1';
    if (EFA_NCCL_INSTANCES.has(instanceType)) env.NCCL_PROTO = 'simple';
    if (EFA_RDMA_INSTANCES.has(instanceType)) env.FI_EFA_USE_DEVICE_RDMA = '1';
    const throughSmddprun = dictGet(input.framework, 'sagemaker_distributed_dataparallel_enabled') ? ', through smddprun' : '';
    const notes = [
      `On SageMaker ${input.masterHostname} starts every rank with mpirun (${input.processesPerHost} per host${throughSmddprun}); here each host runs one process with the same environment and no MPI.`,
    ];
    return withOneRankPerHost(input, { env, localOnlyEnv: [], notes }, true);
  },
};

/**
 * What torchrun gives each worker of a one-process-per-host run (local_elastic_agent's worker
 * env). For pytorchddp/smdistributed SageMaker uses mpirun instead (`allLocalOnly`); these let
 * torch.distributed's env:// init work here too.
 */
function withOneRankPerHost(input: HostLaunchInput, launch: HostLaunch, allLocalOnly: boolean): HostLaunch {
  const worldSize = String(input.hosts.length);
  const rank = String(input.hostIndex);
  const ranks = {
    RANK: rank,
    LOCAL_RANK: '0',
    GROUP_RANK: rank,
    ROLE_RANK: rank,
    ROLE_NAME: 'default',
    LOCAL_WORLD_SIZE: '1',
    WORLD_SIZE: worldSize,
    GROUP_WORLD_SIZE: worldSize,
    ROLE_WORLD_SIZE: worldSize,
  };
  // NODE_RANK is not set by torchrun; Lightning and some launchers read it.
  Object.assign(launch.env, ranks, { NODE_RANK: rank });
  launch.localOnlyEnv.push('NODE_RANK');
  if (allLocalOnly) launch.localOnlyEnv.push(...Object.keys(ranks));
  if (input.processesPerHost > 1) launch.notes.push(`SageMaker would start ${input.processesPerHost} processes per host (one per GPU); here each host runs one.`);
  return launch;
}
