import {
  AcceptVpcPeeringConnectionCommand, DescribeVpcPeeringConnectionsCommand, EC2Client,
  ModifyVpcPeeringConnectionOptionsCommand, VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { CustomResourceEvent, onEvent } from '../src/handlers/peering-accepter';

const PCX = 'pcx-0123456789abcdef0';
const OUR_VPC = 'vpc-0a1b2c3d4e5f60718';
const THEIR_VPC = 'vpc-0fedcba9876543210';
const THEIR_ACCOUNT = '210987654321';

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });
const FAST = { pollIntervalMs: 0, maxPolls: 5 };

beforeEach(() => ec2.reset());

function pcx(status: string, overrides: Partial<VpcPeeringConnection> = {}): VpcPeeringConnection {
  return {
    VpcPeeringConnectionId: PCX,
    Status: { Code: status as any, Message: `${status} message` },
    AccepterVpcInfo: { VpcId: OUR_VPC, OwnerId: '123456789012' },
    RequesterVpcInfo: { VpcId: THEIR_VPC, OwnerId: THEIR_ACCOUNT, CidrBlock: '10.200.0.0/16' },
    ...overrides,
  };
}
function describes(...states: VpcPeeringConnection[]) {
  const stub = ec2.on(DescribeVpcPeeringConnectionsCommand, { VpcPeeringConnectionIds: [PCX] });
  states.forEach(s => stub.resolvesOnce({ VpcPeeringConnections: [s] }));
}
function event(type: string, requestType: 'Create' | 'Update' | 'Delete', props: Record<string, string> = {},
  physical?: string): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: type,
    ResourceProperties: { VpcPeeringConnectionId: PCX, AccepterVpcId: OUR_VPC, ...props },
    PhysicalResourceId: physical,
  };
}
const acceptance = (rt: 'Create' | 'Update' | 'Delete', props: Record<string, string> = { Accept: 'true' }, physical?: string) =>
  event('Custom::VpcPeeringAcceptance', rt, props, physical);
const dns = (rt: 'Create' | 'Update' | 'Delete', physical?: string) => event('Custom::VpcPeeringDnsResolution', rt, {}, physical);

describe('acceptance', () => {
  test.each(['Create', 'Update'] as const)('%s: a pending request is accepted, then read until active', async (rt) => {
    describes(pcx('pending-acceptance'), pcx('provisioning'), pcx('active'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    const result = await onEvent(acceptance(rt), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand).map(c => c.args[0].input)).toEqual([{ VpcPeeringConnectionId: PCX }]);
    expect(ec2.commandCalls(DescribeVpcPeeringConnectionsCommand)).toHaveLength(3);
    expect(result).toEqual({
      PhysicalResourceId: PCX,
      Data: { RequesterAccountId: THEIR_ACCOUNT, RequesterVpcId: THEIR_VPC, RequesterCidrBlock: '10.200.0.0/16' },
    });
  });

  test('an active connection succeeds without a call', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Create'), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
    expect(result.PhysicalResourceId).toBe(PCX);
  });

  test.each(['expired', 'rejected', 'failed', 'deleted', 'deleting'])('a request that is %s fails with its status, without a call', async (status) => {
    describes(pcx(status));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is ${status} (${status} message): ask the requester for a new request`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request for another VPC fails, without a call', async () => {
    describes(pcx('pending-acceptance', { AccepterVpcInfo: { VpcId: 'vpc-0bbbbbbbbbbbbbbb1' } }));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is not for this VPC: its accepter VPC is vpc-0bbbbbbbbbbbbbbb1, not ${OUR_VPC}`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from another account than the expected one fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(acceptance('Create', { Accept: 'true', ExpectedRequesterAccountId: '111122223333' }), client, FAST))
      .rejects.toThrow(`VPC peering connection ${PCX} was requested by account ${THEIR_ACCOUNT}, not by the expected requester account 111122223333`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from another VPC than the expected one fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    const props = { Accept: 'true', ExpectedRequesterAccountId: THEIR_ACCOUNT, ExpectedRequesterVpcId: 'vpc-0ccccccccccccccc1' };
    await expect(onEvent(acceptance('Create', props), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} was requested from VPC ${THEIR_VPC}, not from the expected requester VPC vpc-0ccccccccccccccc1`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from the expected account and VPC is accepted', async () => {
    describes(pcx('pending-acceptance'), pcx('active'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    const props = { Accept: 'true', ExpectedRequesterAccountId: THEIR_ACCOUNT, ExpectedRequesterVpcId: THEIR_VPC };
    await onEvent(acceptance('Create', props), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(1);
  });

  test('an unknown connection fails with "not found"', async () => {
    const notFound = Object.assign(new Error('The vpcPeeringConnection ID does not exist'), { name: 'InvalidVpcPeeringConnectionID.NotFound' });
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(notFound);
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(`VPC peering connection ${PCX} not found in this account and region`);
  });

  test('another error of the describe call is not hidden', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(Object.assign(new Error('no'), { name: 'UnauthorizedOperation' }));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow('no');
  });

  test('a connection that fails after its acceptance fails the resource', async () => {
    describes(pcx('pending-acceptance'), pcx('failed'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is failed (failed message) after its acceptance`);
  });

  test('a connection that stays provisioning fails after the last read', async () => {
    describes(pcx('pending-acceptance'), ...Array(5).fill(pcx('provisioning')));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is still provisioning after 5 reads, 0 ms apart`);
  });

  test('with Accept false, a pending request fails and is not accepted', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(acceptance('Create', { Accept: 'false' }), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is pending acceptance: accept it, or set acceptPeeringConnection`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('with Accept false, an active connection from the expected requester succeeds', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Create', { Accept: 'false', ExpectedRequesterAccountId: THEIR_ACCOUNT }), client, FAST);
    expect(result.PhysicalResourceId).toBe(PCX);
  });

  test('Delete leaves the connection as it is: no call at all', async () => {
    const result = await onEvent(acceptance('Delete', { Accept: 'true' }, PCX), client, FAST);
    expect(ec2.calls()).toHaveLength(0);
    expect(result).toEqual({ PhysicalResourceId: PCX });
  });
});

describe('DNS resolution', () => {
  test.each(['Create', 'Update'] as const)('%s: sets the accepter-side option on an active connection', async (rt) => {
    describes(pcx('active'));
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    const result = await onEvent(dns(rt), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand).map(c => c.args[0].input)).toEqual([{
      VpcPeeringConnectionId: PCX,
      AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
    }]);
    expect(result).toEqual({ PhysicalResourceId: PCX });
  });

  test('a connection that is not active fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(dns('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is pending-acceptance (pending-acceptance message): DNS resolution can only be set on an active connection`);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('a connection for another VPC fails, without a call', async () => {
    describes(pcx('active', { AccepterVpcInfo: { VpcId: 'vpc-0bbbbbbbbbbbbbbb1' } }));
    await expect(onEvent(dns('Create'), client, FAST)).rejects.toThrow('is not for this VPC');
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('Delete turns the option off on an active connection', async () => {
    describes(pcx('active'));
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand).map(c => c.args[0].input)).toEqual([{
      VpcPeeringConnectionId: PCX,
      AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: false },
    }]);
  });

  test.each(['deleted', 'expired', 'failed'])('Delete on a connection that is %s does nothing', async (status) => {
    describes(pcx(status));
    const result = await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
    expect(result).toEqual({ PhysicalResourceId: PCX });
  });

  test('Delete on a connection that is gone does nothing', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidVpcPeeringConnectionID.NotFound' }));
    await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('Delete after a replacement turns the option off on the old connection (the physical id)', async () => {
    const old = 'pcx-0aaaaaaaaaaaaaaa1';
    ec2.on(DescribeVpcPeeringConnectionsCommand, { VpcPeeringConnectionIds: [old] })
      .resolves({ VpcPeeringConnections: [pcx('active', { VpcPeeringConnectionId: old })] });
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    const result = await onEvent(dns('Delete', old), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)[0].args[0].input.VpcPeeringConnectionId).toBe(old);
    expect(result.PhysicalResourceId).toBe(old);
  });
});

describe('events', () => {
  test('an unknown resource type fails', async () => {
    await expect(onEvent(event('Custom::Other', 'Create'), client, FAST)).rejects.toThrow(
      'Unsupported resource type Custom::Other: expected Custom::VpcPeeringAcceptance or Custom::VpcPeeringDnsResolution');
  });

  test('a missing property fails', async () => {
    const e = { ...acceptance('Create'), ResourceProperties: { VpcPeeringConnectionId: PCX } } as unknown as CustomResourceEvent;
    await expect(onEvent(e, client, FAST)).rejects.toThrow('Missing resource property AccepterVpcId');
  });
});
