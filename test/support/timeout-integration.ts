// Integration tests talk to real Postgres and Redis (and run the built CLI); on a loaded machine
// 5 s is too short. `testTimeout` in a project's config is ignored by jest (it is a global option).
jest.setTimeout(30_000);
