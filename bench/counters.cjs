// Preloaded (NODE_OPTIONS=--require) into every app during `npm run bench`: counts what the
// process asks of PostgreSQL and Redis, from the client side, so the bench can say how many SQL
// statements, commits and Redis round trips a request costs on a stock server (counting on the
// server would need pg_stat_statements, i.e. shared_preload_libraries and a restart, and Redis's
// INFO commandstats is shared with whoever else uses the server). The counts are served as JSON on
// a loopback port of the process's own choosing, announced by one log line.
const { createServer } = require('node:http');
const pg = require('pg');
const Redis = require('ioredis');

/** Per database: statements other than BEGIN/COMMIT/ROLLBACK, commits (explicit, or a statement outside a transaction), rollbacks. */
const sql = {};
const redis = { commands: 0, roundTrips: 0 };
/** Connections opened: each new backend commits a transaction of its own while starting, which pg_stat_database counts. */
let connects = 0;

const originalConnect = pg.Client.prototype.connect;
pg.Client.prototype.connect = function connect(...args) {
  connects++;
  return originalConnect.apply(this, args);
};

const TRANSACTION = /^\s*(begin|start\s+transaction|commit|end|rollback)\b(?!\s+to\b)/i;

const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function query(config, ...rest) {
  const text = typeof config === 'string' ? config : (config && config.text) || '';
  const counts = (sql[this.database] ??= { statements: 0, commits: 0, rollbacks: 0 });
  const verb = TRANSACTION.exec(text)?.[1].toLowerCase();
  if (verb === 'begin' || verb === 'start') this.benchInTransaction = true;
  else if (verb === 'commit' || verb === 'end') {
    this.benchInTransaction = false;
    counts.commits++;
  } else if (verb === 'rollback') {
    this.benchInTransaction = false;
    counts.rollbacks++;
  } else {
    counts.statements++;
    // PostgreSQL commits a statement sent outside a transaction on its own.
    if (!this.benchInTransaction) counts.commits++;
  }
  return originalQuery.call(this, config, ...rest);
};

const originalSend = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function sendCommand(command, stream, ...rest) {
  redis.commands++;
  // A pipeline passes its own stream and is written (and counted) once, at exec.
  if (!stream) redis.roundTrips++;
  return originalSend.call(this, command, stream, ...rest);
};
const Pipeline = require('ioredis/built/Pipeline').default;
const originalExec = Pipeline.prototype.exec;
Pipeline.prototype.exec = function exec(...args) {
  redis.roundTrips++;
  return originalExec.apply(this, args);
};

const server = createServer((_request, response) =>
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sql, redis, connects })),
);
server.unref();
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: `Bench counters on http://127.0.0.1:${server.address().port}/` })}\n`,
  ),
);
