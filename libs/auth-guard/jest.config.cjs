module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'auth-guard',
  rootDir: __dirname,
};
