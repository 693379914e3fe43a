/**
 * The Lambda function behind `PeeringConnectionAccepter` (Node.js 22, AWS SDK v3 from the Lambda runtime, not bundled).
 *
 * - `Custom::VpcPeeringAcceptance`: checks the peering connection is for our VPC, from the expected requester, and (with
 *   `RequesterCidrBlocks`) that every CIDR block of the requester VPC, IPv4 and IPv6, lies in the blocks the Network
 *   ACL rules lock down, then accepts it when it is pending acceptance and waits until it is active. An active connection needs no call.
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
import { Block, contains, overlaps, parseBlock } from './cidr';
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
  /** Time between two tries of a call IAM refused (a new permission takes a while to reach every endpoint). */
  readonly iamRetryDelayMs?: number;
  /** How many tries of a call IAM refuses before giving up. */
  readonly iamTries?: number;
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
      return dnsResolution(event, ec2, options);
    default:
      throw new Error(`Unsupported resource type ${event.ResourceType}: expected ${ACCEPTANCE_RESOURCE_TYPE} or ${DNS_RESOLUTION_RESOURCE_TYPE}`);
  }
}

async function acceptance(event: CustomResourceEvent, ec2: EC2Client, options: OnEventOptions, cloudformation?: CloudFormationClient,
): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  const id = props.VpcPeeringConnectionId;
  if (event.RequestType === 'Delete') {
    return removeAcceptance(event, ec2, options, cloudformation);
  }
  // A rollback restores the properties the acceptance had: nothing to accept or check again (a check failing now,
  // when the vendor has added a block since, would fail the rollback itself).
  if (event.RequestType === 'Update' && connectionOf(event.PhysicalResourceId) === id && await isRollingBack(event, cloudformation)) {
    return { PhysicalResourceId: event.PhysicalResourceId! };
  }
  let pcx = await describe(ec2, id);
  checkSides(pcx, props);
  checkBlocks(pcx, props);
  const status = statusOf(pcx);
  if (DEAD_STATES.has(status)) {
    throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}: ask the requester for a new request`);
  }
  let accepted = false;
  if (status === 'pending-acceptance') {
    if (props.Accept !== 'true') {
      throw new Error(`VPC peering connection ${id} is pending acceptance: accept it, or set acceptPeeringConnection`);
    }
    await sendAllowed(() => ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
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
async function removeAcceptance(event: CustomResourceEvent, ec2: EC2Client, options: OnEventOptions, cloudformation?: CloudFormationClient,
): Promise<CustomResourceResult> {
  const physical = event.PhysicalResourceId ?? event.ResourceProperties.VpcPeeringConnectionId;
  const id = connectionOf(physical)!;
  const rollback = await isRollingBack(event, cloudformation);
  const close = rollback ? physical.endsWith(ACCEPTED_SUFFIX) : event.ResourceProperties.RemovalPolicy === 'destroy';
  if (close) {
    const pcx = await tryDescribe(ec2, id);
    const status = pcx ? statusOf(pcx) : 'deleted';
    if (status === 'active') {
      await sendAllowed(() => ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
    } else if (status === 'pending-acceptance') {
      await sendAllowed(() => ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
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

async function dnsResolution(event: CustomResourceEvent, ec2: EC2Client, options: OnEventOptions): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  const id = props.VpcPeeringConnectionId;
  if (event.RequestType === 'Delete') {
    // The physical id is the connection the option was set on (a changed id replaces the resource).
    const target = event.PhysicalResourceId?.startsWith('pcx-') ? event.PhysicalResourceId : id;
    const pcx = await tryDescribe(ec2, target);
    // A connection that is gone or no longer active has no options to turn off: nothing to do.
    if (pcx && statusOf(pcx) === 'active') {
      await setDnsResolution(ec2, target, false, options);
    }
    return { PhysicalResourceId: target };
  }
  const pcx = await describe(ec2, id);
  checkSides(pcx, props);
  const status = statusOf(pcx);
  if (status !== 'active') {
    throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}: DNS resolution can only be set on an active connection`);
  }
  await setDnsResolution(ec2, id, true, options);
  return { PhysicalResourceId: id };
}

async function setDnsResolution(ec2: EC2Client, id: string, allow: boolean, options: OnEventOptions): Promise<void> {
  // Only our own (accepter) side: the requester sets its side itself.
  await sendAllowed(() => ec2.send(new ModifyVpcPeeringConnectionOptionsCommand({
    VpcPeeringConnectionId: id,
    AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: allow },
  })), options);
}

/** The errors IAM answers while a permission just granted has not reached the endpoint yet. */
const NOT_YET_ALLOWED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);

/**
 * Sends a call that needs a permission of the function's role, trying again while IAM refuses it: the role's policy
 * is updated in the same deploy (a vendor added), and IAM takes up to a few minutes to apply it everywhere.
 */
async function sendAllowed<T>(call: () => Promise<T>, options: OnEventOptions): Promise<T> {
  const delay = options.iamRetryDelayMs ?? 10_000;
  const tries = options.iamTries ?? 18;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const name = (e as { name?: string }).name ?? '';
      if (!NOT_YET_ALLOWED.has(name) || attempt >= tries) {
        if (NOT_YET_ALLOWED.has(name)) {
          (e as Error).message = `${(e as Error).message} (still refused after ${tries} tries, ${delay} ms apart: the ` +
            "function's role does not allow it; the condition ec2:RequesterVpc of its policy names the expected requester)";
        }
        throw e;
      }
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }
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

/** How many blocks a message lists before it counts the rest. */
const LISTED = 5;

function listed(blocks: string[]): string {
  return blocks.length <= LISTED ? blocks.join(', ') : `${blocks.slice(0, LISTED).join(', ')} and ${blocks.length - LISTED} more`;
}

/**
 * With `RequesterCidrBlocks`: the blocks the policy locks down are sane now that tokens have values (CIDR blocks, not
 * wider than a VPC, not overlapping our own VPC), and every CIDR block of the requester's VPC, IPv4 and IPv6, lies
 * in one of them. A block of the requester that the Network ACL rules do not name is decided by the NACL's other
 * rules (the allow-all at 100 of a default NACL): it must not be peered.
 */
function checkBlocks(pcx: VpcPeeringConnection, props: AccepterProperties): void {
  if (props.RequesterCidrBlocks === undefined) {
    return;
  }
  const id = props.VpcPeeringConnectionId;
  const external = { ipv4: props.RequesterCidrBlocks ?? [], ipv6: props.RequesterIpv6CidrBlocks ?? [] };
  const ours = [
    ...(pcx.AccepterVpcInfo?.CidrBlockSet ?? []).map(b => b.CidrBlock),
    pcx.AccepterVpcInfo?.CidrBlock,
    ...(pcx.AccepterVpcInfo?.Ipv6CidrBlockSet ?? []).map(b => b.Ipv6CidrBlock),
  ].flatMap(b => (b ? [parseBlock(b)].filter((x): x is Block => x !== undefined) : []));
  const parsed: Block[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const prop = family === 'ipv4' ? 'externalCidrBlocks' : 'externalIpv6CidrBlocks';
    for (const text of external[family]) {
      const block = parseBlock(text);
      if (!block || block.family !== family) {
        throw new Error(`${prop} value '${text}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR block: fix the value it was given at deploy time (a parameter, an import)`);
      }
      if (block.prefix < (family === 'ipv4' ? 16 : 44)) {
        throw new Error(
          `${prop} value '${text}' is wider than any VPC (a VPC's blocks are /16 or narrower, IPv6 /44): its rules and ` +
          'routes would cover addresses that are not the vendor\'s. Give the vendor VPC\'s blocks one by one',
        );
      }
      const own = ours.find(o => overlaps(o, block));
      if (own) {
        throw new Error(`${prop} value '${text}' overlaps this VPC's CIDR block ${own.text}: its deny rules would cut this VPC off from itself. Give the vendor VPC's blocks`);
      }
      parsed.push(block);
    }
  }
  const requester = pcx.RequesterVpcInfo;
  const theirs = [
    ...new Set([
      ...(requester?.CidrBlockSet ?? []).map(b => b.CidrBlock),
      ...(requester?.CidrBlockSet?.length ? [] : [requester?.CidrBlock]),
      ...(requester?.Ipv6CidrBlockSet ?? []).map(b => b.Ipv6CidrBlock),
    ].filter((b): b is string => !!b)),
  ];
  const uncovered = theirs.filter(text => {
    const block = parseBlock(text);
    return !block || !parsed.some(p => contains(p, block));
  });
  if (uncovered.length > 0) {
    const ipv6 = uncovered.filter(b => b.includes(':'));
    const ipv4 = uncovered.filter(b => !b.includes(':'));
    const add = [
      ...(ipv4.length ? [`add ${listed(ipv4)} to externalCidrBlocks`] : []),
      ...(ipv6.length ? [`add ${listed(ipv6)} to externalIpv6CidrBlocks`] : []),
    ].join(' and ');
    throw new Error(
      `VPC peering connection ${id} is from VPC ${requester?.VpcId} (account ${requester?.OwnerId}), which has CIDR ` +
      `block${uncovered.length === 1 ? '' : 's'} ${listed(uncovered)} that the Network ACL rules do not cover ` +
      `(external blocks: ${listed([...external.ipv4, ...external.ipv6]) || 'none'}): traffic from ${uncovered.length === 1 ? 'it' : 'them'} would pass ` +
      `the NACLs' other rules (a default NACL's allow-all). If ${uncovered.length === 1 ? 'it is' : 'they are'} the vendor's, ${add} ` +
      '(requesterCidrBlocks or requesterIpv6CidrBlocks of a PeeringConnectionAccepter) and deploy again; if not, ' +
      'ask the vendor why. Nothing was accepted or routed',
    );
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
