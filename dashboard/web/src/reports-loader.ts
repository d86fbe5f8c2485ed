/**
 * The report pages (dashboard/web/src/reports/) are loaded on first use, as their
 * own chunk. `import.meta.glob` finds the module at build time and gives nothing when it is
 * absent, so the dashboard builds and runs with or without them.
 */
const modules = import.meta.glob('./reports/index.ts');
let loading: Promise<boolean> | undefined;

export function loadReports(): Promise<boolean> {
  loading ??= (async () => {
    const load = modules['./reports/index.ts'];
    if (!load) return false;
    try {
      await load();
      return true;
    } catch {
      loading = undefined;
      return false;
    }
  })();
  return loading;
}
