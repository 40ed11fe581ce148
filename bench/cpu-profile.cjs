// Preloaded (NODE_OPTIONS=--require) into an app during `npm run bench -- --profile`: Node does
// not allow --cpu-prof in NODE_OPTIONS, so this samples through the in-process inspector and
// writes <app>-<pid>.cpuprofile into BENCH_PROFILE_DIR when the process exits.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const app = /apps\/([^/]+)\/src\/main/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
// The in-process session answers synchronously, so this completes inside the exit handler.
process.on('exit', () =>
  session.post('Profiler.stop', (error, result) => {
    if (!error)
      writeFileSync(
        join(process.env.BENCH_PROFILE_DIR, `${app}-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
  }),
);
