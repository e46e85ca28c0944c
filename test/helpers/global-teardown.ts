export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __gatehouseTestInfra?: { stop: (() => Promise<void> | void)[] } }).__gatehouseTestInfra;
  for (const stop of state?.stop ?? []) await stop();
}
