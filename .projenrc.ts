import { awscdk, javascript, JsonFile } from 'projen';

const CDK_VERSION = '2.245.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-vpc-peering-external',
  description:
    'Routes and Network ACL rules for a VPC peering connection with a third party (a SaaS VPC): ' +
    'route the private app subnets to the external VPC and lock the peering down to the ports you choose.',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'vpc', 'vpc-peering', 'network-acl', 'nacl', 'saas', 'peering'],
  author: 'cdk-vpc-peering-external contributors',
  authorAddress: 'maintainers@vpc-peering-external.invalid',
  repositoryUrl: 'https://github.com/vpc-peering-external/cdk-vpc-peering-external.git',
  license: 'Apache-2.0',
  stability: 'experimental',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.16.0',
  // The release tooling (commit-and-tag-version, publib) needs Node 22; local builds stay on Node 20.
  workflowNodeVersion: '22.x',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // Pure-JS CIDR parsing, bundled into the package so jsii users in every language get it.
  bundledDeps: ['ipaddr.js@^2.2.0'],
  // @cdklabs/cdk-validator-cfnguard ships the cfn-guard 3.x binary (bin/<os>/<arch>/cfn-guard) that the scanner tests
  // run (test/scanners/): no Rust build in CI.
  // The EC2 SDK is provided by the Lambda runtime (not bundled): a devDependency for the accepter handler's types, its
  // tests and the emulator deploy, which runs the handler with node.
  devDeps: [
    'fast-check@^4', 'aws-cdk@2.1148.1', 'cdk-nag@2.38.2', '@cdklabs/cdk-validator-cfnguard@0.0.62',
    '@aws-sdk/client-ec2@^3', 'aws-sdk-client-mock@^4',
  ],

  jestOptions: {
    // By default projen runs jest with --updateSnapshot, which makes snapshot tests unable to fail.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/consumers/', '/test/deploy/'],
    },
  },
  experimentalIntegRunner: true,
  typecheckTests: true,

  publishToPypi: {
    distName: 'cdk-vpc-peering-external',
    module: 'cdk_vpc_peering_external',
  },
  publishToMaven: {
    javaPackage: 'io.github.vpcpeeringexternal',
    mavenGroupId: 'io.github.vpcpeeringexternal',
    mavenArtifactId: 'cdk-vpc-peering-external',
  },
  publishToGo: {
    moduleName: 'github.com/vpc-peering-external/cdk-vpc-peering-external-go',
  },

  gitignore: ['cdk.out/', '*.cdk.out/', '.venv/', '__pycache__/', 'target/', '/test-reports/', '.ci-work/'],
});

// Pin the integ-runner packages (experimentalIntegRunner writes them as the literal version 'latest').
project.deps.removeDependency('@aws-cdk/integ-runner');
project.deps.removeDependency('@aws-cdk/integ-tests-alpha');
project.addDevDeps('@aws-cdk/integ-runner@2.197.10', `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`);

// No CDK tool may probe the EC2 instance-metadata address: there is no AWS account here.
for (const [name, value] of Object.entries({
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
})) {
  project.tasks.addEnvironment(name, value);
}

// The example app is not API: it type-checks against the sources with its own tsconfig (ts-node, eslint).
new JsonFile(project, 'example/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
  },
});

// The main job: synthesize the example app and print the routes and NACL rules it creates.
project.addTask('example', {
  description: 'Synthesize the example app (example/app.ts) and print the routes and Network ACL rules it creates',
  steps: [
    { exec: 'rm -rf example/cdk.out' },
    { exec: 'ts-node --project example/tsconfig.json example/app.ts' },
    { exec: 'ts-node --project example/tsconfig.json example/show.ts example/cdk.out' },
  ],
});

// The whole suite as CI runs it (build, consumer packages, emulator deploy); prints `N passed, N failed` last.
project.addTask('test:all', {
  description: 'Run every test: the build (jest, eslint, integ snapshots), the Python/Java/Go consumers and the deploy on a local AWS emulator',
  exec: 'bash scripts/test-all.sh',
});

// The TypeScript examples of README.md and the API docs must compile (against rosetta/*.ts-fixture).
project.addTask('rosetta:extract', {
  description: 'Compile the TypeScript examples of README.md and the API docs with jsii-rosetta --strict',
  exec: 'rm -f .jsii.tabl.json && jsii-rosetta extract --strict',
});
project.gitignore.exclude('.jsii.tabl.json');
project.addPackageIgnore('/rosetta/');

// Speed and memory targets live in benchmarks, not in timed tests.
project.addTask('bench', {
  description: 'Benchmark planning and synthesis against their time and memory targets',
  exec: 'node --expose-gc -r ts-node/register test/bench/bench.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
});

project.eslint?.addLintPattern('example');
project.eslint?.allowDevDeps('example/**');
// The accepter's Lambda handler imports the SDK the Lambda runtime provides (a devDependency, never bundled).
project.eslint?.allowDevDeps('src/handlers/**');

project.synth();
