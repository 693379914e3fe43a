import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PeeringConnectionAccepter, VpcPeeringExternal } from '../../src';
import { callerLanguage, inCallerLanguage } from '../../src/private/language/caller-language';
import { BASE, newVpcStack } from '../fixtures';
import { synthErrors } from '../support/synth-errors';

describe('the caller language, from the jsii runtime', () => {
  test.each([
    [undefined, 'typescript'], ['Python/3.11.7', 'python'], ['Java/17.0.9', 'java'], ['go1.26.0/linux/amd64', 'go'], ['DotNet/8.0.1', 'csharp'],
  ])('JSII_AGENT %s: %s', (agent, language) => {
    expect(callerLanguage(agent)).toBe(language);
  });
});

const MESSAGES = {
  ephemeral: 'ephemeralPortRange 0-65535 reaches below 1024: ... Use EphemeralPorts.ALL_CLIENTS (1024-65535), or a range that starts at 1024 or above',
  requester: "acceptPeeringConnection is on without expectedRequester: ... Give expectedRequester: { accountId: '111122223333' } with the vendor's account id, or say why in acceptAnyRequesterReason",
  cidr: "externalCidrBlocks[0] '10.200.0.0' is not a valid IPv4 CIDR block (no prefix length: write it as 10.200.0.0/16)",
  empty: "externalCidrBlocks is empty (and so is externalIpv6CidrBlocks): give every CIDR block of the external VPC, e.g. externalCidrBlocks: ['10.200.0.0/16']",
  traffic: 'allowOutbound is empty (and so is allowInbound): name the traffic, e.g. allowOutbound: [ec2.AclTraffic.tcpPort(443)], or what the external VPC may open in allowInbound',
  range: "ephemeralPortRange needs both 'from' and 'to', e.g. { from: 1024, to: 65535 }",
  acl: "networkAcls is required: ... Pass the NACLs of the selected subnets, e.g. networkAcls: [ec2.NetworkAcl.fromNetworkAclId(this, 'AppAcl', 'acl-0123456789abcdef0')]",
  prose: 'The routes to the external VPC go into route tables that also serve subnets of the VPC: give the selected subnets route tables of their own',
};

describe('messages in the caller language', () => {
  test('TypeScript: unchanged', () => {
    for (const m of Object.values(MESSAGES)) expect(inCallerLanguage(m, 'typescript')).toBe(m);
  });

  test('Python: snake_case props, keyword arguments, struct classes, Python literals; prose untouched', () => {
    const py = (m: string) => inCallerLanguage(m, 'python');
    expect(py(MESSAGES.ephemeral)).toBe('ephemeral_port_range 0-65535 reaches below 1024: ... Use EphemeralPorts.ALL_CLIENTS (1024-65535), or a range that starts at 1024 or above');
    expect(py(MESSAGES.requester)).toBe('accept_peering_connection is on without expected_requester: ... Give expected_requester=ExpectedRequester(account_id="111122223333") with the vendor\'s account id, or say why in accept_any_requester_reason');
    expect(py(MESSAGES.cidr)).toBe("external_cidr_blocks[0] '10.200.0.0' is not a valid IPv4 CIDR block (no prefix length: write it as 10.200.0.0/16)");
    expect(py(MESSAGES.empty)).toContain('e.g. external_cidr_blocks=["10.200.0.0/16"]');
    expect(py(MESSAGES.traffic)).toContain('e.g. allow_outbound=[ec2.AclTraffic.tcp_port(443)], or what the external VPC may open in allow_inbound');
    expect(py(MESSAGES.range)).toBe("ephemeral_port_range needs both 'from' and 'to', e.g. ec2.AclPortRange(from_=1024, to=65535)");
    expect(py(MESSAGES.acl)).toContain('network_acls=[ec2.NetworkAcl.from_network_acl_id(self, "AppAcl", "acl-0123456789abcdef0")]');
    expect(py(MESSAGES.prose)).toBe(MESSAGES.prose);
  });

  test('Java: builder calls, List.of, double quotes', () => {
    const java = (m: string) => inCallerLanguage(m, 'java');
    expect(java(MESSAGES.requester)).toContain('Give .expectedRequester(ExpectedRequester.builder().accountId("111122223333").build())');
    expect(java(MESSAGES.empty)).toContain('e.g. .externalCidrBlocks(List.of("10.200.0.0/16"))');
    expect(java(MESSAGES.traffic)).toContain('e.g. .allowOutbound(List.of(AclTraffic.tcpPort(443)))');
    expect(java(MESSAGES.range)).toContain('e.g. AclPortRange.builder().from(1024).to(65535).build()');
    expect(java(MESSAGES.acl)).toContain('.networkAcls(List.of(NetworkAcl.fromNetworkAclId(this, "AppAcl", "acl-0123456789abcdef0")))');
    expect(java(MESSAGES.prose)).toBe(MESSAGES.prose);
  });

  test('Go: exported field names, jsii pointers, package functions', () => {
    const go = (m: string) => inCallerLanguage(m, 'go');
    expect(go(MESSAGES.cidr)).toMatch(/^ExternalCidrBlocks\[0\] '10.200.0.0'/);
    expect(go(MESSAGES.requester)).toContain('Give ExpectedRequester: &cdkvpcpeeringexternal.ExpectedRequester{AccountId: jsii.String("111122223333")}');
    expect(go(MESSAGES.empty)).toContain('e.g. ExternalCidrBlocks: &[]*string{jsii.String("10.200.0.0/16")}');
    expect(go(MESSAGES.traffic)).toContain('e.g. AllowOutbound: &[]awsec2.AclTraffic{awsec2.AclTraffic_TcpPort(jsii.Number(443))}');
    expect(go(MESSAGES.acl)).toContain('NetworkAcls: &[]awsec2.INetworkAcl{awsec2.NetworkAcl_FromNetworkAclId(stack, jsii.String("AppAcl"), jsii.String("acl-0123456789abcdef0"))}');
    expect(go(MESSAGES.range)).toContain('e.g. &awsec2.AclPortRange{From: jsii.Number(1024), To: jsii.Number(65535)}');
    expect(go(MESSAGES.ephemeral)).toContain('Use cdkvpcpeeringexternal.EphemeralPorts_ALL_CLIENTS() (1024-65535)');
    expect(go(MESSAGES.prose)).toBe(MESSAGES.prose);
  });
});

describe('through the public constructs, as a Python app runs them (JSII_AGENT set by the jsii runtime)', () => {
  const saved = process.env.JSII_AGENT;
  beforeEach(() => {
    process.env.JSII_AGENT = 'Python/3.11.7';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.JSII_AGENT;
    else process.env.JSII_AGENT = saved;
  });

  test('a props error', () => {
    const { stack, vpc } = newVpcStack();
    expect(() => new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, externalCidrBlocks: [] })).toThrow(
      'external_cidr_blocks is empty (and so is external_ipv6_cidr_blocks): give every CIDR block of the external VPC, e.g. external_cidr_blocks=["10.200.0.0/16"]');
  });

  test('a synth-time error of the complete app', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, externalCidrBlocks: ['10.0.128.0/17'] });
    expect(synthErrors(stack)).toEqual([expect.stringContaining("external_cidr_blocks[0] '10.0.128.0/17' overlaps the VPC's CIDR block 10.0.0.0/16")]);
  });

  test('a warning', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, allowInbound: [ec2.AclTraffic.tcpPort(8443)], allowOutbound: [ec2.AclTraffic.tcpPort(5432)] });
    const [w] = Annotations.fromStack(stack).findWarning('/Test/Saas', Match.stringLikeRegexp('broaderThanAsked'));
    expect(w.entry.data).toMatch(/set ephemeral_port_range to the range/);
    expect(w.entry.data).not.toMatch(/ephemeralPortRange/);
  });

  test('the accepter', () => {
    const { stack, vpc } = newVpcStack();
    expect(() => new PeeringConnectionAccepter(stack, 'A', { vpc, vpcPeeringConnectionId: 'pcx-0123456789abcdef0' })).toThrow(
      /^accept_peering_connection is on without expected_requester: .*Give expected_requester=ExpectedRequester\(account_id="111122223333"\)/);
  });
});
