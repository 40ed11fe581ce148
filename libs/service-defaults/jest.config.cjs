module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'service-defaults',
  rootDir: __dirname,
};
