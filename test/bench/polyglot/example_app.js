// The bench's TypeScript app, as a user runs it: plain node and the compiled library (lib/, what npm ships), not
// ts-node. The example stack of example/stacks.ts (NewVpcExampleStack); the bench checks that the template is the
// example's. Prints FIRST after the first synth, writes that template to argv[2], then synthesizes argv[3] more times
// and prints their durations in ms as {"warm": [...]}.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const logs = require('aws-cdk-lib/aws-logs');
const { VpcPeeringExternal } = require('../../../lib');

function synth(outdir) {
  const app = new App({ outdir, analyticsReporting: false });
  const stack = new Stack(app, 'PeeringNewVpcExample');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 1,
    flowLogs: {
      all: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        ),
      },
    },
  });
  new VpcPeeringExternal(stack, 'Elasticsearch', {
    vpc,
    vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
    externalCidrBlocks: ['10.200.0.0/16'],
    allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(9200)],
  });
  return app.synth();
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vpe-bench-ts'));
let outdir = tmp();
const first = synth(outdir);
process.stdout.write('FIRST\n');
fs.writeFileSync(process.argv[2], JSON.stringify(first.getStackByName('PeeringNewVpcExample').template));
fs.rmSync(outdir, { recursive: true });
const warm = [];
for (let i = 0; i < Number(process.argv[3]); i++) {
  outdir = tmp();
  global.gc?.();
  const start = performance.now();
  synth(outdir);
  warm.push(performance.now() - start);
  fs.rmSync(outdir, { recursive: true });
}
process.stdout.write(JSON.stringify({ warm }) + '\n');
