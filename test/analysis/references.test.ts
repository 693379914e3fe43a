import { referencedResources, resourceDependencies } from '../../src/analysis/references';
import { CfnTemplate } from '../../src/analysis/template';

const IDS = new Set(['Vpc', 'Acl', 'Subnet', 'Acceptance']);

describe('referencedResources', () => {
  test.each([
    ['Ref', { Ref: 'Vpc' }, ['Vpc']],
    ['Ref to a parameter or pseudo parameter', [{ Ref: 'PeerCidr' }, { Ref: 'AWS::Region' }], []],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] }, ['Vpc']],
    ['Fn::GetAtt as a string', { 'Fn::GetAtt': 'Subnet.NetworkAclAssociationId' }, ['Subnet']],
    ['Fn::Sub with ${X} and ${X.Attr}', { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${Vpc}/${Acl.Id}' }, ['Vpc', 'Acl']],
    ['Fn::Sub variables and ${!Literal}', { 'Fn::Sub': ['${Name}-${!Subnet}', { Name: { Ref: 'Acceptance' } }] }, ['Acceptance']],
    ['references nested in lists and objects', { Tags: [{ Key: 'a', Value: { 'Fn::Join': ['', [{ Ref: 'Subnet' }]] } }] }, ['Subnet']],
    ['literals', { VpcId: 'vpc-123', Ref: 'not alone' }, []],
  ])('%s', (_name, value, expected) => {
    expect([...referencedResources(value, IDS)].sort()).toEqual([...expected].sort());
  });
});

describe('resourceDependencies', () => {
  test('DependsOn (string or list) plus the references of the properties, never the resource itself', () => {
    const template: CfnTemplate = {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: {} },
        Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } }, DependsOn: 'Acceptance' },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, Self: { Ref: 'Subnet' } }, DependsOn: ['Acl', 'Vpc'] },
        Acceptance: { Type: 'Custom::VpcPeeringAcceptance', Properties: {} },
      },
    };
    const deps = resourceDependencies(template);
    expect(Object.fromEntries([...deps].map(([id, d]) => [id, [...d].sort()]))).toEqual({
      Vpc: [], Acl: ['Acceptance', 'Vpc'], Subnet: ['Acl', 'Vpc'], Acceptance: [],
    });
  });

  test('a DependsOn naming no resource is an error', () => {
    expect(() => resourceDependencies({ Resources: { A: { Type: 'X', DependsOn: 'Missing' } } })).toThrow(/A: DependsOn names "Missing", which is not a resource of the template/);
  });
});
