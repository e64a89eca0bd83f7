/**
 * "opus on claude" — a model and the backend it runs on, as the interfaces report a dispatch; a
 * backend named like its model (the simulated worker's `sim`) is said once, not "sim on sim".
 */
export function modelOnBackend(model: string, backend: string): string {
  return model === backend ? model : `${model} on ${backend}`;
}
