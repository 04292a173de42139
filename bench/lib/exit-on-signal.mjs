// Preloaded into a profiled server (`--import`): SIGUSR2 exits normally, so that --cpu-prof writes its profile
// (a kill by signal would lose it). No candidate uses SIGUSR2 for anything else.
process.on('SIGUSR2', () => process.exit(0));
