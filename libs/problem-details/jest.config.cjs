module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'problem-details',
  rootDir: __dirname,
};
