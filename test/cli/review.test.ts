/**
 * The command on hand-made templates that the construct never writes but a reviewer meets: CIDRs known at deploy time
 * only, entries written by other stacks, associations by `Fn::GetAtt`, entries on the default NACL's own numbers,
 * split traffic runs and malformed input.
 */
import * as path from 'path';
import { cli, tempDir, writeAssembly } from './support';

type Resources = Record<string, unknown>;

/** A VPC, one subnet routed to pcx-1 (10.200.0.0/16) through its route table, on the VPC's default NACL. */
function routedVpc(): Resources {
  return {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Sub: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24' } },
    Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    RtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Sub' }, RouteTableId: { Ref: 'Rt' } } },
    Route: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'Rt' }, DestinationCidrBlock: '10.200.0.0/16', VpcPeeringConnectionId: 'pcx-1' } },
  };
}

const DEFAULT_ACL = { 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] };

/** A NACL entry; `tcp` a port, else all traffic. */
function entry(acl: unknown, n: number, action: 'allow' | 'deny', egress: boolean, cidr: unknown = '10.200.0.0/16', tcp?: number): unknown {
  return {
    Type: 'AWS::EC2::NetworkAclEntry',
    Properties: {
      NetworkAclId: acl,
      RuleNumber: n,
      RuleAction: action,
      Egress: egress,
      CidrBlock: cidr,
      ...(tcp === undefined ? { Protocol: -1 } : { Protocol: 6, PortRange: { From: tcp, To: tcp } }),
    },
  };
}

/** The routed VPC with a deny-all at 99 both ways on its default NACL. */
function deniedVpc(): Resources {
  return { ...routedVpc(), DenyE99: entry(DEFAULT_ACL, 99, 'deny', true), DenyI99: entry(DEFAULT_ACL, 99, 'deny', false) };
}

/** `| direction | action | traffic | … | external | rule |` of the table, as `direction action traffic external rule`. */
function rows(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^ +\| (egress|ingress) /.test(l))
    .map((l) => l.split('|').map((c) => c.trim()).filter((_, i) => [1, 2, 3, 5, 6].includes(i)).join(' '));
}

describe('a NACL entry whose CIDR is known at deploy time only', () => {
  const dir = tempDir('token-cidr');
  const tokens: Record<string, unknown> = {
    'a parameter': { Ref: 'AllowedCidr' },
    'an import': { 'Fn::ImportValue': 'PeerCidr' },
    'a Fn::Select': { 'Fn::Select': [0, { 'Fn::Split': [',', { Ref: 'AllowedCidr' }] }] },
    'a Fn::GetAtt': { 'Fn::GetAtt': ['Other', 'CidrBlock'] },
  };
  test.each(Object.keys(tokens))('an allow with %s may be the peer\'s block: explain says allowed, with a note naming the entry', (name) => {
    const asm = writeAssembly(path.join(dir, name.replace(/\W/g, '')), {
      S: {
        Parameters: { AllowedCidr: { Type: 'String' } },
        Resources: { ...deniedVpc(), AllowToken: entry(DEFAULT_ACL, 10, 'allow', false, tokens[name], 22) },
      },
    });
    const run = cli('explain', asm);
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toContain('ingress allow tcp 22 10.200.0.0/16 10');
    expect(run.stdout).toMatch(/note: entry AllowToken: its CIDR .* is known at deploy time only .*matching every IPv4 address/);
  });

  test('a deny with an unknown CIDR matches nothing: the allow after it stays', () => {
    const asm = writeAssembly(path.join(dir, 'deny'), {
      S: {
        Parameters: { AllowedCidr: { Type: 'String' } },
        Resources: {
          ...deniedVpc(),
          DenyToken: entry(DEFAULT_ACL, 5, 'deny', true, { Ref: 'AllowedCidr' }),
          Allow443: entry(DEFAULT_ACL, 10, 'allow', true, '10.200.0.0/16', 443),
        },
      },
    });
    const run = cli('explain', asm);
    expect(rows(run.stdout)).toContain('egress allow tcp 443 10.200.0.0/16 10');
    expect(run.stdout).toMatch(/note: entry DenyToken: .*the deny is evaluated as matching none of the peering's addresses/);
  });

  test('diff: adding such an allow widens the policy, exit 1', () => {
    const before = writeAssembly(path.join(dir, 'old'), { S: { Parameters: { AllowedCidr: { Type: 'String' } }, Resources: deniedVpc() } });
    const after = writeAssembly(path.join(dir, 'new'), {
      S: { Parameters: { AllowedCidr: { Type: 'String' } }, Resources: { ...deniedVpc(), AllowToken: entry(DEFAULT_ACL, 10, 'allow', false, { Ref: 'AllowedCidr' }, 22) } },
    });
    const run = cli('diff', before, after);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: ingress tcp 22 added on Sub');
    expect(run.stdout).toMatch(/note: entry AllowToken: its CIDR AllowedCidr is known at deploy time only/);
    expect(run.code).toBe(1);
  });

  test('a token that is the peering\'s routed block keeps its stand-in: the allow applies to that block only', () => {
    const cidr = { Ref: 'PeerCidr' };
    const resources = deniedVpc();
    (resources.Route as { Properties: Record<string, unknown> }).Properties.DestinationCidrBlock = cidr;
    resources.DenyE99 = entry(DEFAULT_ACL, 99, 'deny', true, cidr);
    resources.DenyI99 = entry(DEFAULT_ACL, 99, 'deny', false, cidr);
    resources.Allow = entry(DEFAULT_ACL, 10, 'allow', true, cidr, 443);
    const run = cli('explain', writeAssembly(path.join(dir, 'routed'), { S: { Parameters: { PeerCidr: { Type: 'String' } }, Resources: resources } }));
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toContain('egress allow tcp 443 PeerCidr 10');
    expect(run.stdout).not.toMatch(/note: entry Allow:/);
  });
});

describe('entries another stack of the assembly writes on the same NACL', () => {
  const dir = tempDir('cross-stack');
  const owner = {
    Resources: deniedVpc(),
    Outputs: { Acl: { Value: DEFAULT_ACL, Export: { Name: 'VpcDefaultAcl' } } },
  };
  const topic = { Topic: { Type: 'AWS::SNS::Topic' } };
  const before = writeAssembly(path.join(dir, 'old'), { A: owner, B: { Resources: topic } });
  const after = writeAssembly(path.join(dir, 'new'), {
    A: owner,
    B: { Resources: { ...topic, HandAllow: entry({ 'Fn::ImportValue': 'VpcDefaultAcl' }, 10, 'allow', false) } },
  });

  test('diff: an allow added by another stack through Fn::ImportValue widens the peering\'s policy, exit 1', () => {
    const run = cli('diff', before, after);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: ingress all traffic added on Sub');
    expect(run.stdout).toContain('note: NACL Vpc.DefaultNetworkAcl also holds entries written by stack B (HandAllow)');
    expect(run.stdout).toMatch(/Transition of A: safe.*\n {2}note: entries of other stacks are on its NACLs: the order of their deploy against this stack's is not modelled/);
    expect(run.code).toBe(1);
  });

  test('explain: the other stack\'s entry decides, named with its stack', () => {
    const run = cli('explain', after);
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toContain('ingress allow all traffic 10.200.0.0/16 10');
    expect(run.stdout).toMatch(/\| 10 +\| B\/HandAllow +\|/);
  });

  test('a literal acl- id both stacks name is one NACL', () => {
    const resources = routedVpc();
    resources.Assoc = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Sub' }, NetworkAclId: 'acl-0123' } };
    resources.DenyE99 = entry('acl-0123', 99, 'deny', true);
    resources.DenyI99 = entry('acl-0123', 99, 'deny', false);
    const run = cli('explain', writeAssembly(path.join(dir, 'literal'), {
      A: { Resources: resources }, B: { Resources: { HandAllow: entry('acl-0123', 20, 'allow', true, '10.200.0.0/16', 443) } },
    }));
    expect(rows(run.stdout)).toContain('egress allow tcp 443 10.200.0.0/16 20');
  });

  test('an import no stack of the assembly exports: a note says the NACL is outside the assembly', () => {
    const run = cli('explain', writeAssembly(path.join(dir, 'outside'), {
      A: { Resources: deniedVpc() }, B: { Resources: { HandAllow: entry({ 'Fn::ImportValue': 'Elsewhere' }, 10, 'allow', false) } },
    }));
    expect(run.stdout).toContain('Stack B: note: entries of stack B on a NACL outside the assembly (import Elsewhere) are not evaluated');
  });
});

describe('associations and NACL ids written as Fn::GetAtt', () => {
  const dir = tempDir('getatt');
  /** The routed VPC with a NACL of its own denying the peering, associated by GetAtt (subnet, NACL, route table). */
  function ownAcl(associated: boolean): Resources {
    const resources: Resources = {
      ...routedVpc(),
      Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
      DenyE99: entry({ 'Fn::GetAtt': ['Acl', 'Id'] }, 99, 'deny', true),
      DenyI99: entry({ 'Fn::GetAtt': ['Acl', 'Id'] }, 99, 'deny', false),
    };
    resources.RtAssoc = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: { 'Fn::GetAtt': ['Sub', 'SubnetId'] }, RouteTableId: { 'Fn::GetAtt': ['Rt', 'RouteTableId'] } },
    };
    if (associated) {
      resources.Assoc = {
        Type: 'AWS::EC2::SubnetNetworkAclAssociation',
        Properties: { SubnetId: { 'Fn::GetAtt': ['Sub', 'SubnetId'] }, NetworkAclId: { 'Fn::GetAtt': ['Acl', 'Id'] } },
      };
    }
    return resources;
  }

  test('explain: the subnet is on the NACL the GetAtt association names, which denies', () => {
    const run = cli('explain', writeAssembly(path.join(dir, 'asm'), { S: { Resources: ownAcl(true) } }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('route tables: Rt (Sub)');
    expect(run.stdout).toContain('NACL Acl (created by the template)');
    expect(rows(run.stdout)).toEqual(['egress deny all traffic 10.200.0.0/16 99', 'ingress deny all traffic 10.200.0.0/16 99']);
  });

  test('diff: removing the association opens the default NACL; the transition is analysed from the subnet\'s VPC', () => {
    const before = writeAssembly(path.join(dir, 'old'), { S: { Resources: ownAcl(true) } });
    const after = writeAssembly(path.join(dir, 'new'), { S: { Resources: ownAcl(false) } });
    const run = cli('diff', before, after);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: egress all traffic added on Sub');
    expect(run.stdout).toMatch(/Transition of S: safe/);
    expect(run.stdout).not.toContain('subnetDefaultNacls');
    expect(run.code).toBe(1);
  });
});

describe('an entry on the number of the default NACL\'s allow-all', () => {
  const dir = tempDir('rule100');
  const withDeny100 = { S: { Resources: { ...routedVpc(), Deny100: entry(DEFAULT_ACL, 100, 'deny', true) } } };

  test('explain: the allow-all stays, the entry is reported as one that cannot be deployed', () => {
    const run = cli('explain', writeAssembly(path.join(dir, 'asm'), withDeny100));
    expect(rows(run.stdout)).toContain('egress allow all traffic 10.200.0.0/16 100');
    expect(run.stdout).toContain('note: entry Deny100 on NACL Vpc.DefaultNetworkAcl cannot be deployed');
    expect(run.stdout).toContain('NetworkAclEntryAlreadyExists');
  });

  test('diff: no narrowing is claimed, and the failing create fails the verdict', () => {
    const run = cli('diff', writeAssembly(path.join(dir, 'old'), { S: { Resources: routedVpc() } }), writeAssembly(path.join(dir, 'new'), withDeny100));
    expect(run.stdout).not.toMatch(/- peering 10\.200\.0\.0\/16: egress all traffic removed/);
    expect(run.stdout).toMatch(/Transition of S: (FAILS|WINDOW|NOT ANALYSED)/);
    expect(run.code).toBe(1);
  });
});

describe('table rows of a rule that decides different ports for different addresses', () => {
  const dir = tempDir('split');
  test('each row names the addresses of its own ports; no contradictory duplicates', () => {
    const run = cli('explain', writeAssembly(path.join(dir, 'asm'), {
      S: {
        Resources: {
          ...deniedVpc(),
          DenyPort100Half: entry(DEFAULT_ACL, 5, 'deny', true, '10.200.0.0/17', 100),
          AllowAllTcp: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: DEFAULT_ACL, RuleNumber: 10, RuleAction: 'allow', Egress: true, Protocol: 6, CidrBlock: '10.200.0.0/16', PortRange: { From: 0, To: 65535 } } },
        },
      },
    }));
    expect(rows(run.stdout).filter((r) => r.startsWith('egress'))).toEqual([
      'egress deny tcp 100 10.200.0.0/17 5',
      'egress allow tcp 0-99 10.200.0.0/17 10',
      'egress allow tcp 101-65535 10.200.0.0/17 10',
      'egress allow tcp 0-65535 10.200.128.0/17 10',
      'egress deny all other traffic 10.200.0.0/17, 10.200.128.0/17 99',
    ]);
  });

  test('200 entries on one NACL: explain and diff evaluate every one (speed: measured, not asserted here)', () => {
    const many = (count: number): Resources => {
      const resources: Resources = {
        ...routedVpc(),
        Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
        Assoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Sub' }, NetworkAclId: { Ref: 'Acl' } } },
      };
      for (let i = 0; i < count; i++) resources[`Allow${i}`] = entry({ Ref: 'Acl' }, 1 + i, 'allow', true, `10.200.${i}.0/24`, 1000 + i);
      return resources;
    };
    const before = writeAssembly(path.join(dir, 'old'), { S: { Resources: many(199) } });
    const after = writeAssembly(path.join(dir, 'new'), { S: { Resources: many(200) } });
    expect(cli('explain', after).code).toBe(0);
    const run = cli('diff', before, after);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: egress tcp 1199 to 10.200.199.0/24 added');
  });
});

const partialDir = tempDir('partial');
test('mermaid: an allow for part of the peering\'s block names that part', () => {
  const run = cli('explain', writeAssembly(path.join(partialDir, 'asm'), {
    S: { Resources: { ...deniedVpc(), AllowPart: entry(DEFAULT_ACL, 10, 'allow', true, '10.200.5.0/24', 443) } },
  }), '--format', 'mermaid');
  expect(run.stdout).toContain('egress allows tcp 443 to 10.200.5.0/24');
});

describe('malformed input: a message and exit 2, never a stack trace', () => {
  const dir = tempDir('malformed');
  test('a null resource', () => {
    const run = cli('explain', writeAssembly(path.join(dir, 'null'), { S: { Resources: { X: null } } }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('resource X is not a resource');
  });
  test('a route CIDR that is not one: explain exits 2 and does not say "No peering"', () => {
    const resources = routedVpc();
    (resources.Route as { Properties: Record<string, unknown> }).Properties.DestinationCidrBlock = '10.200.0.0/33';
    const asm = writeAssembly(path.join(dir, 'cidr'), { S: { Resources: resources } });
    const run = cli('explain', asm);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Stack S: cannot be evaluated');
    expect(run.stdout).not.toContain('No peering');
    const diff = cli('diff', asm, asm);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain('10.200.0.0/33');
  });
});
