// Browser tests drive Chromium against the built app; see timeout-integration.ts.
jest.setTimeout(60_000);
