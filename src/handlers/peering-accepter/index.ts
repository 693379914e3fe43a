/**
 * The Lambda function behind `PeeringConnectionAccepter` (Node.js 22, AWS SDK v3 from the Lambda runtime, not bundled).
 *
 * - `Custom::VpcPeeringAcceptance`: checks the peering connection is for our VPC (and from the expected requester),
 *   then accepts it when it is pending acceptance and waits until it is active. An active connection needs no call.
 *   Expired, rejected, failed or deleted requests fail with their status. Delete follows `RemovalPolicy`: 'destroy'
 *   deletes the connection (rejects a pending request), 'retain' leaves it; a Delete that rolls back the acceptance's
 *   own creation (the stack is rolling back) deletes the connection when that creation accepted it, whatever the
 *   policy, so that no failed deploy leaves behind a connection it accepted.
 * - `Custom::VpcPeeringDnsResolution`: sets `AllowDnsResolutionFromRemoteVpc` on the accepter side of an active
 *   connection; Delete turns it off again (and does nothing when the connection is no longer active).
 *
 * The CDK's `CustomResourceProvider` wraps `handler`: it reports the result (or the error's message) to CloudFormation.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AcceptVpcPeeringConnectionCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  ModifyVpcPeeringConnectionOptionsCommand,
  RejectVpcPeeringConnectionCommand,
  VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { ACCEPTANCE_RESOURCE_TYPE, ACCEPTED_SUFFIX, AccepterProperties, DNS_RESOLUTION_RESOURCE_TYPE } from './properties';

/** The fields of a CloudFormation custom resource event this handler reads. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType: string;
  readonly ResourceProperties: AccepterProperties & { readonly ServiceToken?: string };
  readonly OldResourceProperties?: AccepterProperties;
  readonly PhysicalResourceId?: string;
  /** The stack's id (ARN), to tell a rollback from a removal. */
  readonly StackId?: string;
}

/** What the CDK's entrypoint reports to CloudFormation. */
export interface CustomResourceResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Options of `onEvent`, for tests. */
export interface OnEventOptions {
  /** Time between two reads of the connection's status while it is provisioning. */
  readonly pollIntervalMs?: number;
  /** How many reads before giving up. */
  readonly maxPolls?: number;
}

/** States a request cannot come back from. */
const DEAD_STATES = new Set(['expired', 'rejected', 'failed', 'deleted', 'deleting']);
/** States on the way to `active` after an acceptance. */
const TRANSIENT_STATES = new Set(['initiating-request', 'provisioning']);

export async function handler(event: CustomResourceEvent): Promise<CustomResourceResult> {
  // The function runs in the stack's region: the region of our VPC, where the request must be accepted.
  return onEvent(event, new EC2Client({}), {}, new CloudFormationClient({}));
}

export async function onEvent(event: CustomResourceEvent, ec2: EC2Client, options: OnEventOptions = {},
  cloudformation?: CloudFormationClient,
): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  requireProperty(props, 'VpcPeeringConnectionId');
  requireProperty(props, 'AccepterVpcId');
  switch (event.ResourceType) {
    case ACCEPTANCE_RESOURCE_TYPE:
      return acceptance(event, ec2, options, cloudformation);
    case DNS_RESOLUTION_RESOURCE_TYPE:
      return dnsResolution(event, ec2);
    default:
      throw new Error(`Unsupported resource type ${event.ResourceType}: expected ${ACCEPTANCE_RESOURCE_TYPE} or ${DNS_RESOLUTION_RESOURCE_TYPE}`);
  }
}

async function acceptance(event: CustomResourceEvent, ec2: EC2Client, options: OnEventOptions, cloudformation?: CloudFormationClient,
): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  const id = props.VpcPeeringConnectionId;
  if (event.RequestType === 'Delete') {
    return removeAcceptance(event, ec2, cloudformation);
  }
  let pcx = await describe(ec2, id);
  checkSides(pcx, props);
  const status = statusOf(pcx);
  if (DEAD_STATES.has(status)) {
    throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}: ask the requester for a new request`);
  }
  let accepted = false;
  if (status === 'pending-acceptance') {
    if (props.Accept !== 'true') {
      throw new Error(`VPC peering connection ${id} is pending acceptance: accept it, or set acceptPeeringConnection`);
    }
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    pcx = await waitUntilActive(ec2, id, options);
    accepted = true;
  } else if (TRANSIENT_STATES.has(status)) {
    pcx = await waitUntilActive(ec2, id, options);
  } else if (status !== 'active') {
    throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}, not pending acceptance or active`);
  }
  // An update of the same connection keeps its physical id (a new one would make CloudFormation delete the old).
  const sameConnection = event.RequestType === 'Update' && connectionOf(event.PhysicalResourceId) === id;
  return {
    PhysicalResourceId: sameConnection ? event.PhysicalResourceId! : `${id}${accepted ? ACCEPTED_SUFFIX : ''}`,
    Data: {
      RequesterAccountId: pcx.RequesterVpcInfo?.OwnerId ?? '',
      RequesterVpcId: pcx.RequesterVpcInfo?.VpcId ?? '',
      RequesterCidrBlock: pcx.RequesterVpcInfo?.CidrBlock ?? '',
    },
  };
}

/** The connection an acceptance's physical id names. */
function connectionOf(physicalId: string | undefined): string | undefined {
  return physicalId?.endsWith(ACCEPTED_SUFFIX) ? physicalId.slice(0, -ACCEPTED_SUFFIX.length) : physicalId;
}

/** Stack states in which CloudFormation deletes what the failed operation created. */
const ROLLBACK_STATES = new Set(['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS']);

/**
 * Deletes the connection when the removal policy says so ('destroy'), or when this Delete rolls back the creation
 * that accepted it. A connection that is gone, or in a state that cannot be deleted, needs nothing.
 */
async function removeAcceptance(event: CustomResourceEvent, ec2: EC2Client, cloudformation?: CloudFormationClient,
): Promise<CustomResourceResult> {
  const physical = event.PhysicalResourceId ?? event.ResourceProperties.VpcPeeringConnectionId;
  const id = connectionOf(physical)!;
  const rollback = await isRollingBack(event, cloudformation);
  const close = rollback ? physical.endsWith(ACCEPTED_SUFFIX) : event.ResourceProperties.RemovalPolicy === 'destroy';
  if (close) {
    const pcx = await tryDescribe(ec2, id);
    const status = pcx ? statusOf(pcx) : 'deleted';
    if (status === 'active') {
      await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    } else if (status === 'pending-acceptance') {
      await ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    }
  }
  return { PhysicalResourceId: physical };
}

/** Whether the stack is rolling back (the Delete undoes a creation), from its status; false when it cannot be read. */
async function isRollingBack(event: CustomResourceEvent, cloudformation?: CloudFormationClient): Promise<boolean> {
  if (!event.StackId || !cloudformation) {
    return false;
  }
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: event.StackId }));
    return ROLLBACK_STATES.has(out.Stacks?.[0]?.StackStatus ?? '');
  } catch {
    return false;
  }
}

async function dnsResolution(event: CustomResourceEvent, ec2: EC2Client): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  const id = props.VpcPeeringConnectionId;
  if (event.RequestType === 'Delete') {
    // The physical id is the connection the option was set on (a changed id replaces the resource).
    const target = event.PhysicalResourceId?.startsWith('pcx-') ? event.PhysicalResourceId : id;
    const pcx = await tryDescribe(ec2, target);
    // A connection that is gone or no longer active has no options to turn off: nothing to do.
    if (pcx && statusOf(pcx) === 'active') {
      await setDnsResolution(ec2, target, false);
    }
    return { PhysicalResourceId: target };
  }
  const pcx = await describe(ec2, id);
  checkSides(pcx, props);
  const status = statusOf(pcx);
  if (status !== 'active') {
    throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}: DNS resolution can only be set on an active connection`);
  }
  await setDnsResolution(ec2, id, true);
  return { PhysicalResourceId: id };
}

async function setDnsResolution(ec2: EC2Client, id: string, allow: boolean): Promise<void> {
  // Only our own (accepter) side: the requester sets its side itself.
  await ec2.send(new ModifyVpcPeeringConnectionOptionsCommand({
    VpcPeeringConnectionId: id,
    AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: allow },
  }));
}

/** Refuses a connection that is not for our VPC, or not from the expected requester ("peer phishing"). */
function checkSides(pcx: VpcPeeringConnection, props: AccepterProperties): void {
  const id = props.VpcPeeringConnectionId;
  const accepterVpc = pcx.AccepterVpcInfo?.VpcId;
  if (accepterVpc !== props.AccepterVpcId) {
    throw new Error(`VPC peering connection ${id} is not for this VPC: its accepter VPC is ${accepterVpc}, not ${props.AccepterVpcId}`);
  }
  const requesterAccount = pcx.RequesterVpcInfo?.OwnerId;
  const requesterVpc = pcx.RequesterVpcInfo?.VpcId;
  if (props.ExpectedRequesterAccountId && requesterAccount !== props.ExpectedRequesterAccountId) {
    throw new Error(`VPC peering connection ${id} was requested by account ${requesterAccount}, not by the expected requester account ${props.ExpectedRequesterAccountId}`);
  }
  if (props.ExpectedRequesterVpcId && requesterVpc !== props.ExpectedRequesterVpcId) {
    throw new Error(`VPC peering connection ${id} was requested from VPC ${requesterVpc}, not from the expected requester VPC ${props.ExpectedRequesterVpcId}`);
  }
}

async function waitUntilActive(ec2: EC2Client, id: string, options: OnEventOptions): Promise<VpcPeeringConnection> {
  const interval = options.pollIntervalMs ?? 5000;
  const maxPolls = options.maxPolls ?? 120;
  for (let poll = 0; ; poll++) {
    const pcx = await describe(ec2, id);
    const status = statusOf(pcx);
    if (status === 'active') {
      return pcx;
    }
    if (!TRANSIENT_STATES.has(status) && status !== 'pending-acceptance') {
      throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)} after its acceptance`);
    }
    if (poll + 1 >= maxPolls) {
      throw new Error(`VPC peering connection ${id} is still ${status} after ${maxPolls} reads, ${interval} ms apart`);
    }
    await new Promise(resolve => setTimeout(resolve, interval));
  }
}

async function describe(ec2: EC2Client, id: string): Promise<VpcPeeringConnection> {
  const pcx = await tryDescribe(ec2, id);
  if (!pcx) {
    throw new Error(`VPC peering connection ${id} not found in this account and region (${process.env.AWS_REGION ?? 'unknown region'}): the request must be for a VPC of this account, in the stack's region`);
  }
  return pcx;
}

async function tryDescribe(ec2: EC2Client, id: string): Promise<VpcPeeringConnection | undefined> {
  try {
    const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
    return out.VpcPeeringConnections?.[0];
  } catch (e) {
    if ((e as { name?: string }).name === 'InvalidVpcPeeringConnectionID.NotFound') {
      return undefined;
    }
    throw e;
  }
}

function statusOf(pcx: VpcPeeringConnection): string {
  return pcx.Status?.Code ?? 'unknown';
}

function messageOf(pcx: VpcPeeringConnection): string {
  return pcx.Status?.Message ? ` (${pcx.Status.Message})` : '';
}

function requireProperty(props: AccepterProperties, name: keyof AccepterProperties): void {
  if (!props[name]) {
    throw new Error(`Missing resource property ${name}`);
  }
}
