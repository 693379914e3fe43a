import { evaluateEc2State } from '../../src/analysis/ec2-state';
import { checkSnapshots, DescribedNetworkAcl, DescribedNetworkAclEntry, Ec2Snapshot, ec2StateFromSnapshot } from '../../src/analysis/snapshots';

const PEER = '10.200.0.0/16';

/** An entry as DescribeNetworkAcls shows it: egress, all traffic to the peer denied unless overridden. */
function entry(RuleNumber: number, props: Partial<DescribedNetworkAclEntry> = {}): DescribedNetworkAclEntry {
  return { RuleNumber, Egress: true, RuleAction: 'deny', Protocol: '-1', CidrBlock: PEER, ...props };
}
const tcp = (port: number, props: Partial<DescribedNetworkAclEntry> = {}) => ({ Protocol: '6', PortRange: { From: port, To: port }, RuleAction: 'allow', ...props });
/** What EC2 lists on every default NACL: allow-all 100 and the implicit deny, both directions (IPv4 only here). */
const DEFAULT_ENTRIES = [false, true].flatMap((Egress) => [
  entry(100, { Egress, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }),
  entry(32767, { Egress, CidrBlock: '0.0.0.0/0' }),
]);
function defaultAcl(entries: DescribedNetworkAclEntry[], subnets: string[] = ['subnet-1']): DescribedNetworkAcl {
  return { NetworkAclId: 'acl-default', IsDefault: true, VpcId: 'vpc-1', Entries: [...entries, ...DEFAULT_ENTRIES], Associations: subnets.map((SubnetId) => ({ SubnetId })) };
}
function snapshot(acls: DescribedNetworkAcl[], props: Partial<Ec2Snapshot> = {}): Ec2Snapshot {
  return { NetworkAcls: acls, ActivePeeringCidrBlocks: [PEER], ...props };
}

describe('ec2StateFromSnapshot and evaluateEc2State', () => {
  test('read DescribeNetworkAcls: string protocols, the implicit deny dropped, subnets through their NACL', () => {
    const state = ec2StateFromSnapshot(snapshot([defaultAcl([entry(50, tcp(443)), entry(60)])]));
    expect(state.networkAcls[0].entries.map((e) => e.ruleNumber)).toEqual([50, 60, 100, 100]);
    expect(evaluateEc2State(state, { subnetId: 'subnet-1' }, { direction: 'egress', protocol: 6, port: 443, remote: '10.200.0.1' }))
      .toEqual({ decision: 'allow', reason: 'rule', ruleNumber: 50, logicalId: undefined, networkAclId: 'acl-default' });
    expect(evaluateEc2State(state, { networkAclId: 'acl-default' }, { direction: 'egress', protocol: 6, port: 22, remote: '10.200.0.1' }))
      .toMatchObject({ decision: 'deny', ruleNumber: 60 });
    expect(evaluateEc2State(state, { subnetId: 'subnet-9' }, { direction: 'egress', protocol: 6, port: 22, remote: '10.1.0.1' }))
      .toEqual({ decision: 'deny', reason: 'absent' });
  });

  test('a peering that is not active delivers nothing; the longest prefix picks the connection', () => {
    const state = ec2StateFromSnapshot(snapshot([defaultAcl([])], { ActivePeeringCidrBlocks: ['10.200.5.0/24'], PeeringCidrBlocks: [PEER] }));
    const to = (remote: string) => evaluateEc2State(state, { networkAclId: 'acl-default' }, { direction: 'egress', protocol: 47, remote });
    expect(to('10.200.0.1')).toMatchObject({ decision: 'deny', reason: 'peering-inactive' });
    expect(to('10.200.5.1')).toMatchObject({ decision: 'allow', ruleNumber: 100 });
    expect(to('10.9.0.1')).toMatchObject({ decision: 'allow', ruleNumber: 100 });
  });
});

describe('checkSnapshots', () => {
  test('finds the snapshot where rewriting a slot cut 443, names it by its label, and nothing else', () => {
    const report = checkSnapshots([
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)])], { Label: 'before' }),
      snapshot([defaultAcl([entry(50, tcp(80)), entry(60)])], { Label: 'ReplaceNetworkAclEntry 50' }),
      snapshot([defaultAcl([entry(50, tcp(80)), entry(51, tcp(443)), entry(60)])], { Label: 'CreateNetworkAclEntry 51' }),
    ]);
    expect(report.views.map((v) => v.label)).toEqual(['NACL acl-default', 'subnet subnet-1']);
    expect(report.violations.map((v) => v.message)).toEqual([
      'outage in snapshot 1 (ReplaceNetworkAclEntry 50): egress tcp 443 from NACL acl-default to 10.200.0.0/16 is denied by rule 60 of acl-default; '
      + 'allowed in the first and the last',
      'outage in snapshot 1 (ReplaceNetworkAclEntry 50): egress tcp 443 from subnet subnet-1 to 10.200.0.0/16 is denied by rule 60 of acl-default; '
      + 'allowed in the first and the last',
    ]);
    expect(report.violations[0]).toMatchObject({ kind: 'outage', snapshots: [1], packet: { protocol: 6, port: 443, remote: '10.200.0.0' } });
  });

  test('make-before-break snapshots have no violation', () => {
    const report = checkSnapshots([
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)])]),
      snapshot([defaultAcl([entry(50, tcp(443)), entry(51, tcp(443)), entry(60)])]),
      snapshot([defaultAcl([entry(51, tcp(443)), entry(60)])]),
    ]);
    expect(report.violations).toEqual([]);
    expect(report.packetsChecked).toBeGreaterThan(0);
  });

  test('a subnet moved onto a half-built NACL, and a peering accepted before its lock', () => {
    const dedicated = (entries: DescribedNetworkAclEntry[], subnets: string[]): DescribedNetworkAcl => ({
      NetworkAclId: 'acl-app', IsDefault: false, Entries: [...entries, entry(32767, { CidrBlock: '0.0.0.0/0' })], Associations: subnets.map((SubnetId) => ({ SubnetId })),
    });
    const allowAll = entry(100, { RuleAction: 'allow', CidrBlock: '0.0.0.0/0' });
    const report = checkSnapshots([
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)])]),
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)], []), dedicated([allowAll], ['subnet-1'])], { Label: 'ReplaceNetworkAclAssociation' }),
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)], []), dedicated([allowAll, entry(50, tcp(443)), entry(60)], ['subnet-1'])]),
    ]);
    const subnet = report.violations.filter((v) => v.view.kind === 'subnet');
    expect(subnet.map((v) => `${v.kind} ${v.packet.protocol}/${v.packet.port ?? '-'}`)).toEqual(['more-open 6/0', 'more-open 6/444', 'more-open 47/-']);

    const accepted = checkSnapshots([
      snapshot([defaultAcl([])], { ActivePeeringCidrBlocks: [], PeeringCidrBlocks: [PEER] }),
      snapshot([defaultAcl([])], { Label: 'AcceptVpcPeeringConnection' }),
      snapshot([defaultAcl([entry(50, tcp(443)), entry(60)])]),
    ]);
    expect(accepted.violations.filter((v) => v.view.kind === 'nacl').map((v) => v.message)).toContain(
      'more open in snapshot 1 (AcceptVpcPeeringConnection): egress tcp 0-442 from NACL acl-default to 10.200.0.0/16 is allowed by rule 100 of acl-default; '
      + 'denied in the first and the last');
  });

  test('needs the snapshots before and after', () => {
    expect(() => checkSnapshots([snapshot([])])).toThrow(/needs the snapshots before and after the deploy, got 1/);
  });
});
