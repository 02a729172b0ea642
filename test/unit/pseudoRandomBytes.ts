// Deterministic stand-ins for model weights in the Hub tests.

/** Pseudo-random bytes (xorshift32), different per seed and incompressible, `size` long. */
export function pseudoRandomBytes(seed: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  return buf;
}
