import { defineConfig } from 'vitest/config';

// Three projects (ARCHITECTURE.md, test/): unit tests need nothing; integration and e2e get a
// real InfluxDB from the global setup (or INFLUX_URL when set). The projects run one after
// the other (groupOrder), so the browser tests do not share the two cores with the heavy
// integration tests (1,000 gateways, outages, crashes).
const withInflux = { globalSetup: ['test/helpers/global-setup.ts'] };

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          ...withInflux,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          ...withInflux,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
