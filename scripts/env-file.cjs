// The .env that npm start, npm run dev and npm run seed read (ENV_FILE names another; empty:
// none). Variables already in the environment win, as with `node --env-file`.
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');

exports.loadEnvFile = function loadEnvFile() {
  const file = process.env.ENV_FILE ?? '.env';
  if (file !== '' && existsSync(resolve(file))) process.loadEnvFile(resolve(file));
};
