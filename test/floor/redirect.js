/**
 * A require hook: `aws-cdk-lib` and `constructs` resolve from the directory in FLOOR_CDK_DIR (a separate install of one
 * aws-cdk-lib version, made by test/floor/run.sh) instead of the project's node_modules. Everything else, and everything
 * those two packages require themselves, resolves as usual.
 *
 *   FLOOR_CDK_DIR=test/floor/.ci-work/aws-cdk-lib-2.172.0 node -r ./test/floor/redirect.js ...
 */
const Module = require('module');
const path = require('path');

const dir = process.env.FLOOR_CDK_DIR;
if (!dir) {
  throw new Error('FLOOR_CDK_DIR must name the directory that holds node_modules/aws-cdk-lib');
}
const paths = [path.resolve(dir)];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  if (request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/') || request === 'constructs') {
    return resolve.call(this, request, parent, isMain, { ...options, paths });
  }
  return resolve.call(this, request, parent, isMain, options);
};
