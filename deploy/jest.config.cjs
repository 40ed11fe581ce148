// Checks of what ships: the Docker image definition, the compose file and the Helm chart.
module.exports = {
  ...require('../jest.preset.cjs'),
  displayName: 'deploy',
  rootDir: __dirname,
};
