"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = handler;
exports.onEvent = onEvent;
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
const client_cloudformation_1 = require("@aws-sdk/client-cloudformation");
const client_ec2_1 = require("@aws-sdk/client-ec2");
const cidr_1 = require("./cidr");
const properties_1 = require("./properties");
/** States a request cannot come back from. */
const DEAD_STATES = new Set(['expired', 'rejected', 'failed', 'deleted', 'deleting']);
/** States on the way to `active` after an acceptance. */
const TRANSIENT_STATES = new Set(['initiating-request', 'provisioning']);
async function handler(event) {
    // The function runs in the stack's region: the region of our VPC, where the request must be accepted.
    return onEvent(event, new client_ec2_1.EC2Client({}), {}, new client_cloudformation_1.CloudFormationClient({}));
}
async function onEvent(event, ec2, options = {}, cloudformation) {
    const props = event.ResourceProperties;
    requireProperty(props, 'VpcPeeringConnectionId');
    requireProperty(props, 'AccepterVpcId');
    switch (event.ResourceType) {
        case properties_1.ACCEPTANCE_RESOURCE_TYPE:
            return acceptance(event, ec2, options, cloudformation);
        case properties_1.DNS_RESOLUTION_RESOURCE_TYPE:
            return dnsResolution(event, ec2, options);
        default:
            throw new Error(`Unsupported resource type ${event.ResourceType}: expected ${properties_1.ACCEPTANCE_RESOURCE_TYPE} or ${properties_1.DNS_RESOLUTION_RESOURCE_TYPE}`);
    }
}
async function acceptance(event, ec2, options, cloudformation) {
    const props = event.ResourceProperties;
    const id = props.VpcPeeringConnectionId;
    if (event.RequestType === 'Delete') {
        return removeAcceptance(event, ec2, options, cloudformation);
    }
    // A rollback restores the properties the acceptance had: nothing to accept or check again (a check failing now,
    // when the vendor has added a block since, would fail the rollback itself).
    if (event.RequestType === 'Update' && connectionOf(event.PhysicalResourceId) === id && await isRollingBack(event, cloudformation)) {
        return { PhysicalResourceId: event.PhysicalResourceId };
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
        await sendAllowed(() => ec2.send(new client_ec2_1.AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
        pcx = await waitUntilActive(ec2, id, options);
        accepted = true;
    }
    else if (TRANSIENT_STATES.has(status)) {
        pcx = await waitUntilActive(ec2, id, options);
    }
    else if (status !== 'active') {
        throw new Error(`VPC peering connection ${id} is ${status}${messageOf(pcx)}, not pending acceptance or active`);
    }
    // An update of the same connection keeps its physical id (a new one would make CloudFormation delete the old).
    const sameConnection = event.RequestType === 'Update' && connectionOf(event.PhysicalResourceId) === id;
    return {
        PhysicalResourceId: sameConnection ? event.PhysicalResourceId : `${id}${accepted ? properties_1.ACCEPTED_SUFFIX : ''}`,
        Data: {
            RequesterAccountId: pcx.RequesterVpcInfo?.OwnerId ?? '',
            RequesterVpcId: pcx.RequesterVpcInfo?.VpcId ?? '',
            RequesterCidrBlock: pcx.RequesterVpcInfo?.CidrBlock ?? '',
        },
    };
}
/** The connection an acceptance's physical id names. */
function connectionOf(physicalId) {
    return physicalId?.endsWith(properties_1.ACCEPTED_SUFFIX) ? physicalId.slice(0, -properties_1.ACCEPTED_SUFFIX.length) : physicalId;
}
/** Stack states in which CloudFormation deletes what the failed operation created. */
const ROLLBACK_STATES = new Set(['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS']);
/**
 * Deletes the connection when the removal policy says so ('destroy'), or when this Delete rolls back the creation
 * that accepted it. A connection that is gone, or in a state that cannot be deleted, needs nothing.
 */
async function removeAcceptance(event, ec2, options, cloudformation) {
    const physical = event.PhysicalResourceId ?? event.ResourceProperties.VpcPeeringConnectionId;
    const id = connectionOf(physical);
    const rollback = await isRollingBack(event, cloudformation);
    const close = rollback ? physical.endsWith(properties_1.ACCEPTED_SUFFIX) : event.ResourceProperties.RemovalPolicy === 'destroy';
    if (close) {
        const pcx = await tryDescribe(ec2, id);
        const status = pcx ? statusOf(pcx) : 'deleted';
        if (status === 'active') {
            await sendAllowed(() => ec2.send(new client_ec2_1.DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
        }
        else if (status === 'pending-acceptance') {
            await sendAllowed(() => ec2.send(new client_ec2_1.RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), options);
        }
    }
    return { PhysicalResourceId: physical };
}
/** Whether the stack is rolling back (the Delete undoes a creation), from its status; false when it cannot be read. */
async function isRollingBack(event, cloudformation) {
    if (!event.StackId || !cloudformation) {
        return false;
    }
    try {
        const out = await cloudformation.send(new client_cloudformation_1.DescribeStacksCommand({ StackName: event.StackId }));
        return ROLLBACK_STATES.has(out.Stacks?.[0]?.StackStatus ?? '');
    }
    catch {
        return false;
    }
}
async function dnsResolution(event, ec2, options) {
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
async function setDnsResolution(ec2, id, allow, options) {
    // Only our own (accepter) side: the requester sets its side itself.
    await sendAllowed(() => ec2.send(new client_ec2_1.ModifyVpcPeeringConnectionOptionsCommand({
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
async function sendAllowed(call, options) {
    const delay = options.iamRetryDelayMs ?? 10_000;
    const tries = options.iamTries ?? 18;
    for (let attempt = 1;; attempt++) {
        try {
            return await call();
        }
        catch (e) {
            const name = e.name ?? '';
            if (!NOT_YET_ALLOWED.has(name) || attempt >= tries) {
                if (NOT_YET_ALLOWED.has(name)) {
                    e.message = `${e.message} (still refused after ${tries} tries, ${delay} ms apart: the ` +
                        "function's role does not allow it; the condition ec2:RequesterVpc of its policy names the expected requester)";
                }
                throw e;
            }
            await new Promise(resolve => setTimeout(resolve, delay));
        }
    }
}
/** Refuses a connection that is not for our VPC, or not from the expected requester ("peer phishing"). */
function checkSides(pcx, props) {
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
function listed(blocks) {
    return blocks.length <= LISTED ? blocks.join(', ') : `${blocks.slice(0, LISTED).join(', ')} and ${blocks.length - LISTED} more`;
}
/**
 * With `RequesterCidrBlocks`: the blocks the policy locks down are sane now that tokens have values (CIDR blocks, not
 * wider than a VPC, not overlapping our own VPC), and every CIDR block of the requester's VPC, IPv4 and IPv6, lies
 * in one of them. A block of the requester that the Network ACL rules do not name is decided by the NACL's other
 * rules (the allow-all at 100 of a default NACL): it must not be peered.
 */
function checkBlocks(pcx, props) {
    if (props.RequesterCidrBlocks === undefined) {
        return;
    }
    const id = props.VpcPeeringConnectionId;
    const external = { ipv4: props.RequesterCidrBlocks ?? [], ipv6: props.RequesterIpv6CidrBlocks ?? [] };
    const ours = [
        ...(pcx.AccepterVpcInfo?.CidrBlockSet ?? []).map(b => b.CidrBlock),
        pcx.AccepterVpcInfo?.CidrBlock,
        ...(pcx.AccepterVpcInfo?.Ipv6CidrBlockSet ?? []).map(b => b.Ipv6CidrBlock),
    ].flatMap(b => (b ? [(0, cidr_1.parseBlock)(b)].filter((x) => x !== undefined) : []));
    const parsed = [];
    for (const family of ['ipv4', 'ipv6']) {
        const prop = family === 'ipv4' ? 'externalCidrBlocks' : 'externalIpv6CidrBlocks';
        for (const text of external[family]) {
            const block = (0, cidr_1.parseBlock)(text);
            if (!block || block.family !== family) {
                throw new Error(`${prop} value '${text}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR block: fix the value it was given at deploy time (a parameter, an import)`);
            }
            if (block.prefix < (family === 'ipv4' ? 16 : 44)) {
                throw new Error(`${prop} value '${text}' is wider than any VPC (a VPC's blocks are /16 or narrower, IPv6 /44): its rules and ` +
                    'routes would cover addresses that are not the vendor\'s. Give the vendor VPC\'s blocks one by one');
            }
            const own = ours.find(o => (0, cidr_1.overlaps)(o, block));
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
        ].filter((b) => !!b)),
    ];
    const uncovered = theirs.filter(text => {
        const block = (0, cidr_1.parseBlock)(text);
        return !block || !parsed.some(p => (0, cidr_1.contains)(p, block));
    });
    if (uncovered.length > 0) {
        const ipv6 = uncovered.filter(b => b.includes(':'));
        const ipv4 = uncovered.filter(b => !b.includes(':'));
        const add = [
            ...(ipv4.length ? [`add ${listed(ipv4)} to externalCidrBlocks`] : []),
            ...(ipv6.length ? [`add ${listed(ipv6)} to externalIpv6CidrBlocks`] : []),
        ].join(' and ');
        throw new Error(`VPC peering connection ${id} is from VPC ${requester?.VpcId} (account ${requester?.OwnerId}), which has CIDR ` +
            `block${uncovered.length === 1 ? '' : 's'} ${listed(uncovered)} that the Network ACL rules do not cover ` +
            `(external blocks: ${listed([...external.ipv4, ...external.ipv6]) || 'none'}): traffic from ${uncovered.length === 1 ? 'it' : 'them'} would pass ` +
            `the NACLs' other rules (a default NACL's allow-all). If ${uncovered.length === 1 ? 'it is' : 'they are'} the vendor's, ${add} ` +
            '(requesterCidrBlocks or requesterIpv6CidrBlocks of a PeeringConnectionAccepter) and deploy again; if not, ' +
            'ask the vendor why. Nothing was accepted or routed');
    }
}
async function waitUntilActive(ec2, id, options) {
    const interval = options.pollIntervalMs ?? 5000;
    const maxPolls = options.maxPolls ?? 120;
    for (let poll = 0;; poll++) {
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
async function describe(ec2, id) {
    const pcx = await tryDescribe(ec2, id);
    if (!pcx) {
        throw new Error(`VPC peering connection ${id} not found in this account and region (${process.env.AWS_REGION ?? 'unknown region'}): the request must be for a VPC of this account, in the stack's region`);
    }
    return pcx;
}
async function tryDescribe(ec2, id) {
    try {
        const out = await ec2.send(new client_ec2_1.DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
        return out.VpcPeeringConnections?.[0];
    }
    catch (e) {
        if (e.name === 'InvalidVpcPeeringConnectionID.NotFound') {
            return undefined;
        }
        throw e;
    }
}
function statusOf(pcx) {
    return pcx.Status?.Code ?? 'unknown';
}
function messageOf(pcx) {
    return pcx.Status?.Message ? ` (${pcx.Status.Message})` : '';
}
function requireProperty(props, name) {
    if (!props[name]) {
        throw new Error(`Missing resource property ${name}`);
    }
}
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoiaW5kZXguanMiLCJzb3VyY2VSb290IjoiIiwic291cmNlcyI6WyIuLi8uLi8uLi9zcmMvaGFuZGxlcnMvcGVlcmluZy1hY2NlcHRlci9pbmRleC50cyJdLCJuYW1lcyI6W10sIm1hcHBpbmdzIjoiOztBQThEQSwwQkFHQztBQUVELDBCQWNDO0FBakZEOzs7Ozs7Ozs7Ozs7OztHQWNHO0FBQ0gsMEVBQTZGO0FBQzdGLG9EQVE2QjtBQUM3QixpQ0FBK0Q7QUFDL0QsNkNBQTJIO0FBK0IzSCw4Q0FBOEM7QUFDOUMsTUFBTSxXQUFXLEdBQUcsSUFBSSxHQUFHLENBQUMsQ0FBQyxTQUFTLEVBQUUsVUFBVSxFQUFFLFFBQVEsRUFBRSxTQUFTLEVBQUUsVUFBVSxDQUFDLENBQUMsQ0FBQztBQUN0Rix5REFBeUQ7QUFDekQsTUFBTSxnQkFBZ0IsR0FBRyxJQUFJLEdBQUcsQ0FBQyxDQUFDLG9CQUFvQixFQUFFLGNBQWMsQ0FBQyxDQUFDLENBQUM7QUFFbEUsS0FBSyxVQUFVLE9BQU8sQ0FBQyxLQUEwQjtJQUN0RCxzR0FBc0c7SUFDdEcsT0FBTyxPQUFPLENBQUMsS0FBSyxFQUFFLElBQUksc0JBQVMsQ0FBQyxFQUFFLENBQUMsRUFBRSxFQUFFLEVBQUUsSUFBSSw0Q0FBb0IsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDO0FBQzdFLENBQUM7QUFFTSxLQUFLLFVBQVUsT0FBTyxDQUFDLEtBQTBCLEVBQUUsR0FBYyxFQUFFLFVBQTBCLEVBQUUsRUFDcEcsY0FBcUM7SUFFckMsTUFBTSxLQUFLLEdBQUcsS0FBSyxDQUFDLGtCQUFrQixDQUFDO0lBQ3ZDLGVBQWUsQ0FBQyxLQUFLLEVBQUUsd0JBQXdCLENBQUMsQ0FBQztJQUNqRCxlQUFlLENBQUMsS0FBSyxFQUFFLGVBQWUsQ0FBQyxDQUFDO0lBQ3hDLFFBQVEsS0FBSyxDQUFDLFlBQVksRUFBRSxDQUFDO1FBQzNCLEtBQUsscUNBQXdCO1lBQzNCLE9BQU8sVUFBVSxDQUFDLEtBQUssRUFBRSxHQUFHLEVBQUUsT0FBTyxFQUFFLGNBQWMsQ0FBQyxDQUFDO1FBQ3pELEtBQUsseUNBQTRCO1lBQy9CLE9BQU8sYUFBYSxDQUFDLEtBQUssRUFBRSxHQUFHLEVBQUUsT0FBTyxDQUFDLENBQUM7UUFDNUM7WUFDRSxNQUFNLElBQUksS0FBSyxDQUFDLDZCQUE2QixLQUFLLENBQUMsWUFBWSxjQUFjLHFDQUF3QixPQUFPLHlDQUE0QixFQUFFLENBQUMsQ0FBQztJQUNoSixDQUFDO0FBQ0gsQ0FBQztBQUVELEtBQUssVUFBVSxVQUFVLENBQUMsS0FBMEIsRUFBRSxHQUFjLEVBQUUsT0FBdUIsRUFBRSxjQUFxQztJQUVsSSxNQUFNLEtBQUssR0FBRyxLQUFLLENBQUMsa0JBQWtCLENBQUM7SUFDdkMsTUFBTSxFQUFFLEdBQUcsS0FBSyxDQUFDLHNCQUFzQixDQUFDO0lBQ3hDLElBQUksS0FBSyxDQUFDLFdBQVcsS0FBSyxRQUFRLEVBQUUsQ0FBQztRQUNuQyxPQUFPLGdCQUFnQixDQUFDLEtBQUssRUFBRSxHQUFHLEVBQUUsT0FBTyxFQUFFLGNBQWMsQ0FBQyxDQUFDO0lBQy9ELENBQUM7SUFDRCxnSEFBZ0g7SUFDaEgsNEVBQTRFO0lBQzVFLElBQUksS0FBSyxDQUFDLFdBQVcsS0FBSyxRQUFRLElBQUksWUFBWSxDQUFDLEtBQUssQ0FBQyxrQkFBa0IsQ0FBQyxLQUFLLEVBQUUsSUFBSSxNQUFNLGFBQWEsQ0FBQyxLQUFLLEVBQUUsY0FBYyxDQUFDLEVBQUUsQ0FBQztRQUNsSSxPQUFPLEVBQUUsa0JBQWtCLEVBQUUsS0FBSyxDQUFDLGtCQUFtQixFQUFFLENBQUM7SUFDM0QsQ0FBQztJQUNELElBQUksR0FBRyxHQUFHLE1BQU0sUUFBUSxDQUFDLEdBQUcsRUFBRSxFQUFFLENBQUMsQ0FBQztJQUNsQyxVQUFVLENBQUMsR0FBRyxFQUFFLEtBQUssQ0FBQyxDQUFDO0lBQ3ZCLFdBQVcsQ0FBQyxHQUFHLEVBQUUsS0FBSyxDQUFDLENBQUM7SUFDeEIsTUFBTSxNQUFNLEdBQUcsUUFBUSxDQUFDLEdBQUcsQ0FBQyxDQUFDO0lBQzdCLElBQUksV0FBVyxDQUFDLEdBQUcsQ0FBQyxNQUFNLENBQUMsRUFBRSxDQUFDO1FBQzVCLE1BQU0sSUFBSSxLQUFLLENBQUMsMEJBQTBCLEVBQUUsT0FBTyxNQUFNLEdBQUcsU0FBUyxDQUFDLEdBQUcsQ0FBQyx1Q0FBdUMsQ0FBQyxDQUFDO0lBQ3JILENBQUM7SUFDRCxJQUFJLFFBQVEsR0FBRyxLQUFLLENBQUM7SUFDckIsSUFBSSxNQUFNLEtBQUssb0JBQW9CLEVBQUUsQ0FBQztRQUNwQyxJQUFJLEtBQUssQ0FBQyxNQUFNLEtBQUssTUFBTSxFQUFFLENBQUM7WUFDNUIsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSxtRUFBbUUsQ0FBQyxDQUFDO1FBQ25ILENBQUM7UUFDRCxNQUFNLFdBQVcsQ0FBQyxHQUFHLEVBQUUsQ0FBQyxHQUFHLENBQUMsSUFBSSxDQUFDLElBQUksOENBQWlDLENBQUMsRUFBRSxzQkFBc0IsRUFBRSxFQUFFLEVBQUUsQ0FBQyxDQUFDLEVBQUUsT0FBTyxDQUFDLENBQUM7UUFDbEgsR0FBRyxHQUFHLE1BQU0sZUFBZSxDQUFDLEdBQUcsRUFBRSxFQUFFLEVBQUUsT0FBTyxDQUFDLENBQUM7UUFDOUMsUUFBUSxHQUFHLElBQUksQ0FBQztJQUNsQixDQUFDO1NBQU0sSUFBSSxnQkFBZ0IsQ0FBQyxHQUFHLENBQUMsTUFBTSxDQUFDLEVBQUUsQ0FBQztRQUN4QyxHQUFHLEdBQUcsTUFBTSxlQUFlLENBQUMsR0FBRyxFQUFFLEVBQUUsRUFBRSxPQUFPLENBQUMsQ0FBQztJQUNoRCxDQUFDO1NBQU0sSUFBSSxNQUFNLEtBQUssUUFBUSxFQUFFLENBQUM7UUFDL0IsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSxPQUFPLE1BQU0sR0FBRyxTQUFTLENBQUMsR0FBRyxDQUFDLG9DQUFvQyxDQUFDLENBQUM7SUFDbEgsQ0FBQztJQUNELCtHQUErRztJQUMvRyxNQUFNLGNBQWMsR0FBRyxLQUFLLENBQUMsV0FBVyxLQUFLLFFBQVEsSUFBSSxZQUFZLENBQUMsS0FBSyxDQUFDLGtCQUFrQixDQUFDLEtBQUssRUFBRSxDQUFDO0lBQ3ZHLE9BQU87UUFDTCxrQkFBa0IsRUFBRSxjQUFjLENBQUMsQ0FBQyxDQUFDLEtBQUssQ0FBQyxrQkFBbUIsQ0FBQyxDQUFDLENBQUMsR0FBRyxFQUFFLEdBQUcsUUFBUSxDQUFDLENBQUMsQ0FBQyw0QkFBZSxDQUFDLENBQUMsQ0FBQyxFQUFFLEVBQUU7UUFDMUcsSUFBSSxFQUFFO1lBQ0osa0JBQWtCLEVBQUUsR0FBRyxDQUFDLGdCQUFnQixFQUFFLE9BQU8sSUFBSSxFQUFFO1lBQ3ZELGNBQWMsRUFBRSxHQUFHLENBQUMsZ0JBQWdCLEVBQUUsS0FBSyxJQUFJLEVBQUU7WUFDakQsa0JBQWtCLEVBQUUsR0FBRyxDQUFDLGdCQUFnQixFQUFFLFNBQVMsSUFBSSxFQUFFO1NBQzFEO0tBQ0YsQ0FBQztBQUNKLENBQUM7QUFFRCx3REFBd0Q7QUFDeEQsU0FBUyxZQUFZLENBQUMsVUFBOEI7SUFDbEQsT0FBTyxVQUFVLEVBQUUsUUFBUSxDQUFDLDRCQUFlLENBQUMsQ0FBQyxDQUFDLENBQUMsVUFBVSxDQUFDLEtBQUssQ0FBQyxDQUFDLEVBQUUsQ0FBQyw0QkFBZSxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxVQUFVLENBQUM7QUFDM0csQ0FBQztBQUVELHNGQUFzRjtBQUN0RixNQUFNLGVBQWUsR0FBRyxJQUFJLEdBQUcsQ0FBQyxDQUFDLHNCQUFzQixFQUFFLDZCQUE2QixFQUFFLDhDQUE4QyxDQUFDLENBQUMsQ0FBQztBQUV6STs7O0dBR0c7QUFDSCxLQUFLLFVBQVUsZ0JBQWdCLENBQUMsS0FBMEIsRUFBRSxHQUFjLEVBQUUsT0FBdUIsRUFBRSxjQUFxQztJQUV4SSxNQUFNLFFBQVEsR0FBRyxLQUFLLENBQUMsa0JBQWtCLElBQUksS0FBSyxDQUFDLGtCQUFrQixDQUFDLHNCQUFzQixDQUFDO0lBQzdGLE1BQU0sRUFBRSxHQUFHLFlBQVksQ0FBQyxRQUFRLENBQUUsQ0FBQztJQUNuQyxNQUFNLFFBQVEsR0FBRyxNQUFNLGFBQWEsQ0FBQyxLQUFLLEVBQUUsY0FBYyxDQUFDLENBQUM7SUFDNUQsTUFBTSxLQUFLLEdBQUcsUUFBUSxDQUFDLENBQUMsQ0FBQyxRQUFRLENBQUMsUUFBUSxDQUFDLDRCQUFlLENBQUMsQ0FBQyxDQUFDLENBQUMsS0FBSyxDQUFDLGtCQUFrQixDQUFDLGFBQWEsS0FBSyxTQUFTLENBQUM7SUFDbkgsSUFBSSxLQUFLLEVBQUUsQ0FBQztRQUNWLE1BQU0sR0FBRyxHQUFHLE1BQU0sV0FBVyxDQUFDLEdBQUcsRUFBRSxFQUFFLENBQUMsQ0FBQztRQUN2QyxNQUFNLE1BQU0sR0FBRyxHQUFHLENBQUMsQ0FBQyxDQUFDLFFBQVEsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLENBQUMsU0FBUyxDQUFDO1FBQy9DLElBQUksTUFBTSxLQUFLLFFBQVEsRUFBRSxDQUFDO1lBQ3hCLE1BQU0sV0FBVyxDQUFDLEdBQUcsRUFBRSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsSUFBSSw4Q0FBaUMsQ0FBQyxFQUFFLHNCQUFzQixFQUFFLEVBQUUsRUFBRSxDQUFDLENBQUMsRUFBRSxPQUFPLENBQUMsQ0FBQztRQUNwSCxDQUFDO2FBQU0sSUFBSSxNQUFNLEtBQUssb0JBQW9CLEVBQUUsQ0FBQztZQUMzQyxNQUFNLFdBQVcsQ0FBQyxHQUFHLEVBQUUsQ0FBQyxHQUFHLENBQUMsSUFBSSxDQUFDLElBQUksOENBQWlDLENBQUMsRUFBRSxzQkFBc0IsRUFBRSxFQUFFLEVBQUUsQ0FBQyxDQUFDLEVBQUUsT0FBTyxDQUFDLENBQUM7UUFDcEgsQ0FBQztJQUNILENBQUM7SUFDRCxPQUFPLEVBQUUsa0JBQWtCLEVBQUUsUUFBUSxFQUFFLENBQUM7QUFDMUMsQ0FBQztBQUVELHVIQUF1SDtBQUN2SCxLQUFLLFVBQVUsYUFBYSxDQUFDLEtBQTBCLEVBQUUsY0FBcUM7SUFDNUYsSUFBSSxDQUFDLEtBQUssQ0FBQyxPQUFPLElBQUksQ0FBQyxjQUFjLEVBQUUsQ0FBQztRQUN0QyxPQUFPLEtBQUssQ0FBQztJQUNmLENBQUM7SUFDRCxJQUFJLENBQUM7UUFDSCxNQUFNLEdBQUcsR0FBRyxNQUFNLGNBQWMsQ0FBQyxJQUFJLENBQUMsSUFBSSw2Q0FBcUIsQ0FBQyxFQUFFLFNBQVMsRUFBRSxLQUFLLENBQUMsT0FBTyxFQUFFLENBQUMsQ0FBQyxDQUFDO1FBQy9GLE9BQU8sZUFBZSxDQUFDLEdBQUcsQ0FBQyxHQUFHLENBQUMsTUFBTSxFQUFFLENBQUMsQ0FBQyxDQUFDLEVBQUUsV0FBVyxJQUFJLEVBQUUsQ0FBQyxDQUFDO0lBQ2pFLENBQUM7SUFBQyxNQUFNLENBQUM7UUFDUCxPQUFPLEtBQUssQ0FBQztJQUNmLENBQUM7QUFDSCxDQUFDO0FBRUQsS0FBSyxVQUFVLGFBQWEsQ0FBQyxLQUEwQixFQUFFLEdBQWMsRUFBRSxPQUF1QjtJQUM5RixNQUFNLEtBQUssR0FBRyxLQUFLLENBQUMsa0JBQWtCLENBQUM7SUFDdkMsTUFBTSxFQUFFLEdBQUcsS0FBSyxDQUFDLHNCQUFzQixDQUFDO0lBQ3hDLElBQUksS0FBSyxDQUFDLFdBQVcsS0FBSyxRQUFRLEVBQUUsQ0FBQztRQUNuQyxnR0FBZ0c7UUFDaEcsTUFBTSxNQUFNLEdBQUcsS0FBSyxDQUFDLGtCQUFrQixFQUFFLFVBQVUsQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUMsS0FBSyxDQUFDLGtCQUFrQixDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUM7UUFDNUYsTUFBTSxHQUFHLEdBQUcsTUFBTSxXQUFXLENBQUMsR0FBRyxFQUFFLE1BQU0sQ0FBQyxDQUFDO1FBQzNDLDJGQUEyRjtRQUMzRixJQUFJLEdBQUcsSUFBSSxRQUFRLENBQUMsR0FBRyxDQUFDLEtBQUssUUFBUSxFQUFFLENBQUM7WUFDdEMsTUFBTSxnQkFBZ0IsQ0FBQyxHQUFHLEVBQUUsTUFBTSxFQUFFLEtBQUssRUFBRSxPQUFPLENBQUMsQ0FBQztRQUN0RCxDQUFDO1FBQ0QsT0FBTyxFQUFFLGtCQUFrQixFQUFFLE1BQU0sRUFBRSxDQUFDO0lBQ3hDLENBQUM7SUFDRCxNQUFNLEdBQUcsR0FBRyxNQUFNLFFBQVEsQ0FBQyxHQUFHLEVBQUUsRUFBRSxDQUFDLENBQUM7SUFDcEMsVUFBVSxDQUFDLEdBQUcsRUFBRSxLQUFLLENBQUMsQ0FBQztJQUN2QixNQUFNLE1BQU0sR0FBRyxRQUFRLENBQUMsR0FBRyxDQUFDLENBQUM7SUFDN0IsSUFBSSxNQUFNLEtBQUssUUFBUSxFQUFFLENBQUM7UUFDeEIsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSxPQUFPLE1BQU0sR0FBRyxTQUFTLENBQUMsR0FBRyxDQUFDLDBEQUEwRCxDQUFDLENBQUM7SUFDeEksQ0FBQztJQUNELE1BQU0sZ0JBQWdCLENBQUMsR0FBRyxFQUFFLEVBQUUsRUFBRSxJQUFJLEVBQUUsT0FBTyxDQUFDLENBQUM7SUFDL0MsT0FBTyxFQUFFLGtCQUFrQixFQUFFLEVBQUUsRUFBRSxDQUFDO0FBQ3BDLENBQUM7QUFFRCxLQUFLLFVBQVUsZ0JBQWdCLENBQUMsR0FBYyxFQUFFLEVBQVUsRUFBRSxLQUFjLEVBQUUsT0FBdUI7SUFDakcsb0VBQW9FO0lBQ3BFLE1BQU0sV0FBVyxDQUFDLEdBQUcsRUFBRSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsSUFBSSxxREFBd0MsQ0FBQztRQUM1RSxzQkFBc0IsRUFBRSxFQUFFO1FBQzFCLGdDQUFnQyxFQUFFLEVBQUUsK0JBQStCLEVBQUUsS0FBSyxFQUFFO0tBQzdFLENBQUMsQ0FBQyxFQUFFLE9BQU8sQ0FBQyxDQUFDO0FBQ2hCLENBQUM7QUFFRCwrRkFBK0Y7QUFDL0YsTUFBTSxlQUFlLEdBQUcsSUFBSSxHQUFHLENBQUMsQ0FBQyx1QkFBdUIsRUFBRSxjQUFjLEVBQUUsdUJBQXVCLENBQUMsQ0FBQyxDQUFDO0FBRXBHOzs7R0FHRztBQUNILEtBQUssVUFBVSxXQUFXLENBQUksSUFBc0IsRUFBRSxPQUF1QjtJQUMzRSxNQUFNLEtBQUssR0FBRyxPQUFPLENBQUMsZUFBZSxJQUFJLE1BQU0sQ0FBQztJQUNoRCxNQUFNLEtBQUssR0FBRyxPQUFPLENBQUMsUUFBUSxJQUFJLEVBQUUsQ0FBQztJQUNyQyxLQUFLLElBQUksT0FBTyxHQUFHLENBQUMsR0FBSSxPQUFPLEVBQUUsRUFBRSxDQUFDO1FBQ2xDLElBQUksQ0FBQztZQUNILE9BQU8sTUFBTSxJQUFJLEVBQUUsQ0FBQztRQUN0QixDQUFDO1FBQUMsT0FBTyxDQUFDLEVBQUUsQ0FBQztZQUNYLE1BQU0sSUFBSSxHQUFJLENBQXVCLENBQUMsSUFBSSxJQUFJLEVBQUUsQ0FBQztZQUNqRCxJQUFJLENBQUMsZUFBZSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsSUFBSSxPQUFPLElBQUksS0FBSyxFQUFFLENBQUM7Z0JBQ25ELElBQUksZUFBZSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsRUFBRSxDQUFDO29CQUM3QixDQUFXLENBQUMsT0FBTyxHQUFHLEdBQUksQ0FBVyxDQUFDLE9BQU8seUJBQXlCLEtBQUssV0FBVyxLQUFLLGlCQUFpQjt3QkFDM0csK0dBQStHLENBQUM7Z0JBQ3BILENBQUM7Z0JBQ0QsTUFBTSxDQUFDLENBQUM7WUFDVixDQUFDO1lBQ0QsTUFBTSxJQUFJLE9BQU8sQ0FBQyxPQUFPLENBQUMsRUFBRSxDQUFDLFVBQVUsQ0FBQyxPQUFPLEVBQUUsS0FBSyxDQUFDLENBQUMsQ0FBQztRQUMzRCxDQUFDO0lBQ0gsQ0FBQztBQUNILENBQUM7QUFFRCwwR0FBMEc7QUFDMUcsU0FBUyxVQUFVLENBQUMsR0FBeUIsRUFBRSxLQUF5QjtJQUN0RSxNQUFNLEVBQUUsR0FBRyxLQUFLLENBQUMsc0JBQXNCLENBQUM7SUFDeEMsTUFBTSxXQUFXLEdBQUcsR0FBRyxDQUFDLGVBQWUsRUFBRSxLQUFLLENBQUM7SUFDL0MsSUFBSSxXQUFXLEtBQUssS0FBSyxDQUFDLGFBQWEsRUFBRSxDQUFDO1FBQ3hDLE1BQU0sSUFBSSxLQUFLLENBQUMsMEJBQTBCLEVBQUUsNkNBQTZDLFdBQVcsU0FBUyxLQUFLLENBQUMsYUFBYSxFQUFFLENBQUMsQ0FBQztJQUN0SSxDQUFDO0lBQ0QsTUFBTSxnQkFBZ0IsR0FBRyxHQUFHLENBQUMsZ0JBQWdCLEVBQUUsT0FBTyxDQUFDO0lBQ3ZELE1BQU0sWUFBWSxHQUFHLEdBQUcsQ0FBQyxnQkFBZ0IsRUFBRSxLQUFLLENBQUM7SUFDakQsSUFBSSxLQUFLLENBQUMsMEJBQTBCLElBQUksZ0JBQWdCLEtBQUssS0FBSyxDQUFDLDBCQUEwQixFQUFFLENBQUM7UUFDOUYsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSw2QkFBNkIsZ0JBQWdCLDJDQUEyQyxLQUFLLENBQUMsMEJBQTBCLEVBQUUsQ0FBQyxDQUFDO0lBQzFLLENBQUM7SUFDRCxJQUFJLEtBQUssQ0FBQyxzQkFBc0IsSUFBSSxZQUFZLEtBQUssS0FBSyxDQUFDLHNCQUFzQixFQUFFLENBQUM7UUFDbEYsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSwyQkFBMkIsWUFBWSx5Q0FBeUMsS0FBSyxDQUFDLHNCQUFzQixFQUFFLENBQUMsQ0FBQztJQUM5SixDQUFDO0FBQ0gsQ0FBQztBQUVELGlFQUFpRTtBQUNqRSxNQUFNLE1BQU0sR0FBRyxDQUFDLENBQUM7QUFFakIsU0FBUyxNQUFNLENBQUMsTUFBZ0I7SUFDOUIsT0FBTyxNQUFNLENBQUMsTUFBTSxJQUFJLE1BQU0sQ0FBQyxDQUFDLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLENBQUMsR0FBRyxNQUFNLENBQUMsS0FBSyxDQUFDLENBQUMsRUFBRSxNQUFNLENBQUMsQ0FBQyxJQUFJLENBQUMsSUFBSSxDQUFDLFFBQVEsTUFBTSxDQUFDLE1BQU0sR0FBRyxNQUFNLE9BQU8sQ0FBQztBQUNsSSxDQUFDO0FBRUQ7Ozs7O0dBS0c7QUFDSCxTQUFTLFdBQVcsQ0FBQyxHQUF5QixFQUFFLEtBQXlCO0lBQ3ZFLElBQUksS0FBSyxDQUFDLG1CQUFtQixLQUFLLFNBQVMsRUFBRSxDQUFDO1FBQzVDLE9BQU87SUFDVCxDQUFDO0lBQ0QsTUFBTSxFQUFFLEdBQUcsS0FBSyxDQUFDLHNCQUFzQixDQUFDO0lBQ3hDLE1BQU0sUUFBUSxHQUFHLEVBQUUsSUFBSSxFQUFFLEtBQUssQ0FBQyxtQkFBbUIsSUFBSSxFQUFFLEVBQUUsSUFBSSxFQUFFLEtBQUssQ0FBQyx1QkFBdUIsSUFBSSxFQUFFLEVBQUUsQ0FBQztJQUN0RyxNQUFNLElBQUksR0FBRztRQUNYLEdBQUcsQ0FBQyxHQUFHLENBQUMsZUFBZSxFQUFFLFlBQVksSUFBSSxFQUFFLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEVBQUUsQ0FBQyxDQUFDLENBQUMsU0FBUyxDQUFDO1FBQ2xFLEdBQUcsQ0FBQyxlQUFlLEVBQUUsU0FBUztRQUM5QixHQUFHLENBQUMsR0FBRyxDQUFDLGVBQWUsRUFBRSxnQkFBZ0IsSUFBSSxFQUFFLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEVBQUUsQ0FBQyxDQUFDLENBQUMsYUFBYSxDQUFDO0tBQzNFLENBQUMsT0FBTyxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsSUFBQSxpQkFBVSxFQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxFQUFjLEVBQUUsQ0FBQyxDQUFDLEtBQUssU0FBUyxDQUFDLENBQUMsQ0FBQyxDQUFDLEVBQUUsQ0FBQyxDQUFDLENBQUM7SUFDdEYsTUFBTSxNQUFNLEdBQVksRUFBRSxDQUFDO0lBQzNCLEtBQUssTUFBTSxNQUFNLElBQUksQ0FBQyxNQUFNLEVBQUUsTUFBTSxDQUFVLEVBQUUsQ0FBQztRQUMvQyxNQUFNLElBQUksR0FBRyxNQUFNLEtBQUssTUFBTSxDQUFDLENBQUMsQ0FBQyxvQkFBb0IsQ0FBQyxDQUFDLENBQUMsd0JBQXdCLENBQUM7UUFDakYsS0FBSyxNQUFNLElBQUksSUFBSSxRQUFRLENBQUMsTUFBTSxDQUFDLEVBQUUsQ0FBQztZQUNwQyxNQUFNLEtBQUssR0FBRyxJQUFBLGlCQUFVLEVBQUMsSUFBSSxDQUFDLENBQUM7WUFDL0IsSUFBSSxDQUFDLEtBQUssSUFBSSxLQUFLLENBQUMsTUFBTSxLQUFLLE1BQU0sRUFBRSxDQUFDO2dCQUN0QyxNQUFNLElBQUksS0FBSyxDQUFDLEdBQUcsSUFBSSxXQUFXLElBQUksZUFBZSxNQUFNLEtBQUssTUFBTSxDQUFDLENBQUMsQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLE1BQU0saUZBQWlGLENBQUMsQ0FBQztZQUM3SyxDQUFDO1lBQ0QsSUFBSSxLQUFLLENBQUMsTUFBTSxHQUFHLENBQUMsTUFBTSxLQUFLLE1BQU0sQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsRUFBRSxDQUFDO2dCQUNqRCxNQUFNLElBQUksS0FBSyxDQUNiLEdBQUcsSUFBSSxXQUFXLElBQUksd0ZBQXdGO29CQUM5RyxtR0FBbUcsQ0FDcEcsQ0FBQztZQUNKLENBQUM7WUFDRCxNQUFNLEdBQUcsR0FBRyxJQUFJLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsSUFBQSxlQUFRLEVBQUMsQ0FBQyxFQUFFLEtBQUssQ0FBQyxDQUFDLENBQUM7WUFDL0MsSUFBSSxHQUFHLEVBQUUsQ0FBQztnQkFDUixNQUFNLElBQUksS0FBSyxDQUFDLEdBQUcsSUFBSSxXQUFXLElBQUksb0NBQW9DLEdBQUcsQ0FBQyxJQUFJLG1GQUFtRixDQUFDLENBQUM7WUFDekssQ0FBQztZQUNELE1BQU0sQ0FBQyxJQUFJLENBQUMsS0FBSyxDQUFDLENBQUM7UUFDckIsQ0FBQztJQUNILENBQUM7SUFDRCxNQUFNLFNBQVMsR0FBRyxHQUFHLENBQUMsZ0JBQWdCLENBQUM7SUFDdkMsTUFBTSxNQUFNLEdBQUc7UUFDYixHQUFHLElBQUksR0FBRyxDQUFDO1lBQ1QsR0FBRyxDQUFDLFNBQVMsRUFBRSxZQUFZLElBQUksRUFBRSxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDLFNBQVMsQ0FBQztZQUN4RCxHQUFHLENBQUMsU0FBUyxFQUFFLFlBQVksRUFBRSxNQUFNLENBQUMsQ0FBQyxDQUFDLEVBQUUsQ0FBQyxDQUFDLENBQUMsQ0FBQyxTQUFTLEVBQUUsU0FBUyxDQUFDLENBQUM7WUFDbEUsR0FBRyxDQUFDLFNBQVMsRUFBRSxnQkFBZ0IsSUFBSSxFQUFFLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEVBQUUsQ0FBQyxDQUFDLENBQUMsYUFBYSxDQUFDO1NBQ2pFLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxFQUFlLEVBQUUsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7S0FDbkMsQ0FBQztJQUNGLE1BQU0sU0FBUyxHQUFHLE1BQU0sQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLEVBQUU7UUFDckMsTUFBTSxLQUFLLEdBQUcsSUFBQSxpQkFBVSxFQUFDLElBQUksQ0FBQyxDQUFDO1FBQy9CLE9BQU8sQ0FBQyxLQUFLLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsSUFBQSxlQUFRLEVBQUMsQ0FBQyxFQUFFLEtBQUssQ0FBQyxDQUFDLENBQUM7SUFDekQsQ0FBQyxDQUFDLENBQUM7SUFDSCxJQUFJLFNBQVMsQ0FBQyxNQUFNLEdBQUcsQ0FBQyxFQUFFLENBQUM7UUFDekIsTUFBTSxJQUFJLEdBQUcsU0FBUyxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDLENBQUMsQ0FBQyxRQUFRLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQztRQUNwRCxNQUFNLElBQUksR0FBRyxTQUFTLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDLENBQUMsUUFBUSxDQUFDLEdBQUcsQ0FBQyxDQUFDLENBQUM7UUFDckQsTUFBTSxHQUFHLEdBQUc7WUFDVixHQUFHLENBQUMsSUFBSSxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxPQUFPLE1BQU0sQ0FBQyxJQUFJLENBQUMsd0JBQXdCLENBQUMsQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDO1lBQ3JFLEdBQUcsQ0FBQyxJQUFJLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxDQUFDLE9BQU8sTUFBTSxDQUFDLElBQUksQ0FBQyw0QkFBNEIsQ0FBQyxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUM7U0FDMUUsQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLENBQUM7UUFDaEIsTUFBTSxJQUFJLEtBQUssQ0FDYiwwQkFBMEIsRUFBRSxnQkFBZ0IsU0FBUyxFQUFFLEtBQUssYUFBYSxTQUFTLEVBQUUsT0FBTyxvQkFBb0I7WUFDL0csUUFBUSxTQUFTLENBQUMsTUFBTSxLQUFLLENBQUMsQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDLENBQUMsQ0FBQyxHQUFHLElBQUksTUFBTSxDQUFDLFNBQVMsQ0FBQywyQ0FBMkM7WUFDekcscUJBQXFCLE1BQU0sQ0FBQyxDQUFDLEdBQUcsUUFBUSxDQUFDLElBQUksRUFBRSxHQUFHLFFBQVEsQ0FBQyxJQUFJLENBQUMsQ0FBQyxJQUFJLE1BQU0sbUJBQW1CLFNBQVMsQ0FBQyxNQUFNLEtBQUssQ0FBQyxDQUFDLENBQUMsQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLE1BQU0sY0FBYztZQUNsSiwyREFBMkQsU0FBUyxDQUFDLE1BQU0sS0FBSyxDQUFDLENBQUMsQ0FBQyxDQUFDLE9BQU8sQ0FBQyxDQUFDLENBQUMsVUFBVSxrQkFBa0IsR0FBRyxHQUFHO1lBQ2hJLDRHQUE0RztZQUM1RyxvREFBb0QsQ0FDckQsQ0FBQztJQUNKLENBQUM7QUFDSCxDQUFDO0FBRUQsS0FBSyxVQUFVLGVBQWUsQ0FBQyxHQUFjLEVBQUUsRUFBVSxFQUFFLE9BQXVCO0lBQ2hGLE1BQU0sUUFBUSxHQUFHLE9BQU8sQ0FBQyxjQUFjLElBQUksSUFBSSxDQUFDO0lBQ2hELE1BQU0sUUFBUSxHQUFHLE9BQU8sQ0FBQyxRQUFRLElBQUksR0FBRyxDQUFDO0lBQ3pDLEtBQUssSUFBSSxJQUFJLEdBQUcsQ0FBQyxHQUFJLElBQUksRUFBRSxFQUFFLENBQUM7UUFDNUIsTUFBTSxHQUFHLEdBQUcsTUFBTSxRQUFRLENBQUMsR0FBRyxFQUFFLEVBQUUsQ0FBQyxDQUFDO1FBQ3BDLE1BQU0sTUFBTSxHQUFHLFFBQVEsQ0FBQyxHQUFHLENBQUMsQ0FBQztRQUM3QixJQUFJLE1BQU0sS0FBSyxRQUFRLEVBQUUsQ0FBQztZQUN4QixPQUFPLEdBQUcsQ0FBQztRQUNiLENBQUM7UUFDRCxJQUFJLENBQUMsZ0JBQWdCLENBQUMsR0FBRyxDQUFDLE1BQU0sQ0FBQyxJQUFJLE1BQU0sS0FBSyxvQkFBb0IsRUFBRSxDQUFDO1lBQ3JFLE1BQU0sSUFBSSxLQUFLLENBQUMsMEJBQTBCLEVBQUUsT0FBTyxNQUFNLEdBQUcsU0FBUyxDQUFDLEdBQUcsQ0FBQyx1QkFBdUIsQ0FBQyxDQUFDO1FBQ3JHLENBQUM7UUFDRCxJQUFJLElBQUksR0FBRyxDQUFDLElBQUksUUFBUSxFQUFFLENBQUM7WUFDekIsTUFBTSxJQUFJLEtBQUssQ0FBQywwQkFBMEIsRUFBRSxhQUFhLE1BQU0sVUFBVSxRQUFRLFdBQVcsUUFBUSxXQUFXLENBQUMsQ0FBQztRQUNuSCxDQUFDO1FBQ0QsTUFBTSxJQUFJLE9BQU8sQ0FBQyxPQUFPLENBQUMsRUFBRSxDQUFDLFVBQVUsQ0FBQyxPQUFPLEVBQUUsUUFBUSxDQUFDLENBQUMsQ0FBQztJQUM5RCxDQUFDO0FBQ0gsQ0FBQztBQUVELEtBQUssVUFBVSxRQUFRLENBQUMsR0FBYyxFQUFFLEVBQVU7SUFDaEQsTUFBTSxHQUFHLEdBQUcsTUFBTSxXQUFXLENBQUMsR0FBRyxFQUFFLEVBQUUsQ0FBQyxDQUFDO0lBQ3ZDLElBQUksQ0FBQyxHQUFHLEVBQUUsQ0FBQztRQUNULE1BQU0sSUFBSSxLQUFLLENBQUMsMEJBQTBCLEVBQUUsMENBQTBDLE9BQU8sQ0FBQyxHQUFHLENBQUMsVUFBVSxJQUFJLGdCQUFnQix5RUFBeUUsQ0FBQyxDQUFDO0lBQzdNLENBQUM7SUFDRCxPQUFPLEdBQUcsQ0FBQztBQUNiLENBQUM7QUFFRCxLQUFLLFVBQVUsV0FBVyxDQUFDLEdBQWMsRUFBRSxFQUFVO0lBQ25ELElBQUksQ0FBQztRQUNILE1BQU0sR0FBRyxHQUFHLE1BQU0sR0FBRyxDQUFDLElBQUksQ0FBQyxJQUFJLGlEQUFvQyxDQUFDLEVBQUUsdUJBQXVCLEVBQUUsQ0FBQyxFQUFFLENBQUMsRUFBRSxDQUFDLENBQUMsQ0FBQztRQUN4RyxPQUFPLEdBQUcsQ0FBQyxxQkFBcUIsRUFBRSxDQUFDLENBQUMsQ0FBQyxDQUFDO0lBQ3hDLENBQUM7SUFBQyxPQUFPLENBQUMsRUFBRSxDQUFDO1FBQ1gsSUFBSyxDQUF1QixDQUFDLElBQUksS0FBSyx3Q0FBd0MsRUFBRSxDQUFDO1lBQy9FLE9BQU8sU0FBUyxDQUFDO1FBQ25CLENBQUM7UUFDRCxNQUFNLENBQUMsQ0FBQztJQUNWLENBQUM7QUFDSCxDQUFDO0FBRUQsU0FBUyxRQUFRLENBQUMsR0FBeUI7SUFDekMsT0FBTyxHQUFHLENBQUMsTUFBTSxFQUFFLElBQUksSUFBSSxTQUFTLENBQUM7QUFDdkMsQ0FBQztBQUVELFNBQVMsU0FBUyxDQUFDLEdBQXlCO0lBQzFDLE9BQU8sR0FBRyxDQUFDLE1BQU0sRUFBRSxPQUFPLENBQUMsQ0FBQyxDQUFDLEtBQUssR0FBRyxDQUFDLE1BQU0sQ0FBQyxPQUFPLEdBQUcsQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDO0FBQy9ELENBQUM7QUFFRCxTQUFTLGVBQWUsQ0FBQyxLQUF5QixFQUFFLElBQThCO0lBQ2hGLElBQUksQ0FBQyxLQUFLLENBQUMsSUFBSSxDQUFDLEVBQUUsQ0FBQztRQUNqQixNQUFNLElBQUksS0FBSyxDQUFDLDZCQUE2QixJQUFJLEVBQUUsQ0FBQyxDQUFDO0lBQ3ZELENBQUM7QUFDSCxDQUFDIiwic291cmNlc0NvbnRlbnQiOlsiLyoqXG4gKiBUaGUgTGFtYmRhIGZ1bmN0aW9uIGJlaGluZCBgUGVlcmluZ0Nvbm5lY3Rpb25BY2NlcHRlcmAgKE5vZGUuanMgMjIsIEFXUyBTREsgdjMgZnJvbSB0aGUgTGFtYmRhIHJ1bnRpbWUsIG5vdCBidW5kbGVkKS5cbiAqXG4gKiAtIGBDdXN0b206OlZwY1BlZXJpbmdBY2NlcHRhbmNlYDogY2hlY2tzIHRoZSBwZWVyaW5nIGNvbm5lY3Rpb24gaXMgZm9yIG91ciBWUEMsIGZyb20gdGhlIGV4cGVjdGVkIHJlcXVlc3RlciwgYW5kICh3aXRoXG4gKiAgIGBSZXF1ZXN0ZXJDaWRyQmxvY2tzYCkgdGhhdCBldmVyeSBDSURSIGJsb2NrIG9mIHRoZSByZXF1ZXN0ZXIgVlBDLCBJUHY0IGFuZCBJUHY2LCBsaWVzIGluIHRoZSBibG9ja3MgdGhlIE5ldHdvcmtcbiAqICAgQUNMIHJ1bGVzIGxvY2sgZG93biwgdGhlbiBhY2NlcHRzIGl0IHdoZW4gaXQgaXMgcGVuZGluZyBhY2NlcHRhbmNlIGFuZCB3YWl0cyB1bnRpbCBpdCBpcyBhY3RpdmUuIEFuIGFjdGl2ZSBjb25uZWN0aW9uIG5lZWRzIG5vIGNhbGwuXG4gKiAgIEV4cGlyZWQsIHJlamVjdGVkLCBmYWlsZWQgb3IgZGVsZXRlZCByZXF1ZXN0cyBmYWlsIHdpdGggdGhlaXIgc3RhdHVzLiBEZWxldGUgZm9sbG93cyBgUmVtb3ZhbFBvbGljeWA6ICdkZXN0cm95J1xuICogICBkZWxldGVzIHRoZSBjb25uZWN0aW9uIChyZWplY3RzIGEgcGVuZGluZyByZXF1ZXN0KSwgJ3JldGFpbicgbGVhdmVzIGl0OyBhIERlbGV0ZSB0aGF0IHJvbGxzIGJhY2sgdGhlIGFjY2VwdGFuY2Unc1xuICogICBvd24gY3JlYXRpb24gKHRoZSBzdGFjayBpcyByb2xsaW5nIGJhY2spIGRlbGV0ZXMgdGhlIGNvbm5lY3Rpb24gd2hlbiB0aGF0IGNyZWF0aW9uIGFjY2VwdGVkIGl0LCB3aGF0ZXZlciB0aGVcbiAqICAgcG9saWN5LCBzbyB0aGF0IG5vIGZhaWxlZCBkZXBsb3kgbGVhdmVzIGJlaGluZCBhIGNvbm5lY3Rpb24gaXQgYWNjZXB0ZWQuXG4gKiAtIGBDdXN0b206OlZwY1BlZXJpbmdEbnNSZXNvbHV0aW9uYDogc2V0cyBgQWxsb3dEbnNSZXNvbHV0aW9uRnJvbVJlbW90ZVZwY2Agb24gdGhlIGFjY2VwdGVyIHNpZGUgb2YgYW4gYWN0aXZlXG4gKiAgIGNvbm5lY3Rpb247IERlbGV0ZSB0dXJucyBpdCBvZmYgYWdhaW4gKGFuZCBkb2VzIG5vdGhpbmcgd2hlbiB0aGUgY29ubmVjdGlvbiBpcyBubyBsb25nZXIgYWN0aXZlKS5cbiAqXG4gKiBUaGUgQ0RLJ3MgYEN1c3RvbVJlc291cmNlUHJvdmlkZXJgIHdyYXBzIGBoYW5kbGVyYDogaXQgcmVwb3J0cyB0aGUgcmVzdWx0IChvciB0aGUgZXJyb3IncyBtZXNzYWdlKSB0byBDbG91ZEZvcm1hdGlvbi5cbiAqL1xuaW1wb3J0IHsgQ2xvdWRGb3JtYXRpb25DbGllbnQsIERlc2NyaWJlU3RhY2tzQ29tbWFuZCB9IGZyb20gJ0Bhd3Mtc2RrL2NsaWVudC1jbG91ZGZvcm1hdGlvbic7XG5pbXBvcnQge1xuICBBY2NlcHRWcGNQZWVyaW5nQ29ubmVjdGlvbkNvbW1hbmQsXG4gIERlbGV0ZVZwY1BlZXJpbmdDb25uZWN0aW9uQ29tbWFuZCxcbiAgRGVzY3JpYmVWcGNQZWVyaW5nQ29ubmVjdGlvbnNDb21tYW5kLFxuICBFQzJDbGllbnQsXG4gIE1vZGlmeVZwY1BlZXJpbmdDb25uZWN0aW9uT3B0aW9uc0NvbW1hbmQsXG4gIFJlamVjdFZwY1BlZXJpbmdDb25uZWN0aW9uQ29tbWFuZCxcbiAgVnBjUGVlcmluZ0Nvbm5lY3Rpb24sXG59IGZyb20gJ0Bhd3Mtc2RrL2NsaWVudC1lYzInO1xuaW1wb3J0IHsgQmxvY2ssIGNvbnRhaW5zLCBvdmVybGFwcywgcGFyc2VCbG9jayB9IGZyb20gJy4vY2lkcic7XG5pbXBvcnQgeyBBQ0NFUFRBTkNFX1JFU09VUkNFX1RZUEUsIEFDQ0VQVEVEX1NVRkZJWCwgQWNjZXB0ZXJQcm9wZXJ0aWVzLCBETlNfUkVTT0xVVElPTl9SRVNPVVJDRV9UWVBFIH0gZnJvbSAnLi9wcm9wZXJ0aWVzJztcblxuLyoqIFRoZSBmaWVsZHMgb2YgYSBDbG91ZEZvcm1hdGlvbiBjdXN0b20gcmVzb3VyY2UgZXZlbnQgdGhpcyBoYW5kbGVyIHJlYWRzLiAqL1xuZXhwb3J0IGludGVyZmFjZSBDdXN0b21SZXNvdXJjZUV2ZW50IHtcbiAgcmVhZG9ubHkgUmVxdWVzdFR5cGU6ICdDcmVhdGUnIHwgJ1VwZGF0ZScgfCAnRGVsZXRlJztcbiAgcmVhZG9ubHkgUmVzb3VyY2VUeXBlOiBzdHJpbmc7XG4gIHJlYWRvbmx5IFJlc291cmNlUHJvcGVydGllczogQWNjZXB0ZXJQcm9wZXJ0aWVzICYgeyByZWFkb25seSBTZXJ2aWNlVG9rZW4/OiBzdHJpbmcgfTtcbiAgcmVhZG9ubHkgT2xkUmVzb3VyY2VQcm9wZXJ0aWVzPzogQWNjZXB0ZXJQcm9wZXJ0aWVzO1xuICByZWFkb25seSBQaHlzaWNhbFJlc291cmNlSWQ/OiBzdHJpbmc7XG4gIC8qKiBUaGUgc3RhY2sncyBpZCAoQVJOKSwgdG8gdGVsbCBhIHJvbGxiYWNrIGZyb20gYSByZW1vdmFsLiAqL1xuICByZWFkb25seSBTdGFja0lkPzogc3RyaW5nO1xufVxuXG4vKiogV2hhdCB0aGUgQ0RLJ3MgZW50cnlwb2ludCByZXBvcnRzIHRvIENsb3VkRm9ybWF0aW9uLiAqL1xuZXhwb3J0IGludGVyZmFjZSBDdXN0b21SZXNvdXJjZVJlc3VsdCB7XG4gIHJlYWRvbmx5IFBoeXNpY2FsUmVzb3VyY2VJZDogc3RyaW5nO1xuICByZWFkb25seSBEYXRhPzogUmVjb3JkPHN0cmluZywgc3RyaW5nPjtcbn1cblxuLyoqIE9wdGlvbnMgb2YgYG9uRXZlbnRgLCBmb3IgdGVzdHMuICovXG5leHBvcnQgaW50ZXJmYWNlIE9uRXZlbnRPcHRpb25zIHtcbiAgLyoqIFRpbWUgYmV0d2VlbiB0d28gcmVhZHMgb2YgdGhlIGNvbm5lY3Rpb24ncyBzdGF0dXMgd2hpbGUgaXQgaXMgcHJvdmlzaW9uaW5nLiAqL1xuICByZWFkb25seSBwb2xsSW50ZXJ2YWxNcz86IG51bWJlcjtcbiAgLyoqIEhvdyBtYW55IHJlYWRzIGJlZm9yZSBnaXZpbmcgdXAuICovXG4gIHJlYWRvbmx5IG1heFBvbGxzPzogbnVtYmVyO1xuICAvKiogVGltZSBiZXR3ZWVuIHR3byB0cmllcyBvZiBhIGNhbGwgSUFNIHJlZnVzZWQgKGEgbmV3IHBlcm1pc3Npb24gdGFrZXMgYSB3aGlsZSB0byByZWFjaCBldmVyeSBlbmRwb2ludCkuICovXG4gIHJlYWRvbmx5IGlhbVJldHJ5RGVsYXlNcz86IG51bWJlcjtcbiAgLyoqIEhvdyBtYW55IHRyaWVzIG9mIGEgY2FsbCBJQU0gcmVmdXNlcyBiZWZvcmUgZ2l2aW5nIHVwLiAqL1xuICByZWFkb25seSBpYW1Ucmllcz86IG51bWJlcjtcbn1cblxuLyoqIFN0YXRlcyBhIHJlcXVlc3QgY2Fubm90IGNvbWUgYmFjayBmcm9tLiAqL1xuY29uc3QgREVBRF9TVEFURVMgPSBuZXcgU2V0KFsnZXhwaXJlZCcsICdyZWplY3RlZCcsICdmYWlsZWQnLCAnZGVsZXRlZCcsICdkZWxldGluZyddKTtcbi8qKiBTdGF0ZXMgb24gdGhlIHdheSB0byBgYWN0aXZlYCBhZnRlciBhbiBhY2NlcHRhbmNlLiAqL1xuY29uc3QgVFJBTlNJRU5UX1NUQVRFUyA9IG5ldyBTZXQoWydpbml0aWF0aW5nLXJlcXVlc3QnLCAncHJvdmlzaW9uaW5nJ10pO1xuXG5leHBvcnQgYXN5bmMgZnVuY3Rpb24gaGFuZGxlcihldmVudDogQ3VzdG9tUmVzb3VyY2VFdmVudCk6IFByb21pc2U8Q3VzdG9tUmVzb3VyY2VSZXN1bHQ+IHtcbiAgLy8gVGhlIGZ1bmN0aW9uIHJ1bnMgaW4gdGhlIHN0YWNrJ3MgcmVnaW9uOiB0aGUgcmVnaW9uIG9mIG91ciBWUEMsIHdoZXJlIHRoZSByZXF1ZXN0IG11c3QgYmUgYWNjZXB0ZWQuXG4gIHJldHVybiBvbkV2ZW50KGV2ZW50LCBuZXcgRUMyQ2xpZW50KHt9KSwge30sIG5ldyBDbG91ZEZvcm1hdGlvbkNsaWVudCh7fSkpO1xufVxuXG5leHBvcnQgYXN5bmMgZnVuY3Rpb24gb25FdmVudChldmVudDogQ3VzdG9tUmVzb3VyY2VFdmVudCwgZWMyOiBFQzJDbGllbnQsIG9wdGlvbnM6IE9uRXZlbnRPcHRpb25zID0ge30sXG4gIGNsb3VkZm9ybWF0aW9uPzogQ2xvdWRGb3JtYXRpb25DbGllbnQsXG4pOiBQcm9taXNlPEN1c3RvbVJlc291cmNlUmVzdWx0PiB7XG4gIGNvbnN0IHByb3BzID0gZXZlbnQuUmVzb3VyY2VQcm9wZXJ0aWVzO1xuICByZXF1aXJlUHJvcGVydHkocHJvcHMsICdWcGNQZWVyaW5nQ29ubmVjdGlvbklkJyk7XG4gIHJlcXVpcmVQcm9wZXJ0eShwcm9wcywgJ0FjY2VwdGVyVnBjSWQnKTtcbiAgc3dpdGNoIChldmVudC5SZXNvdXJjZVR5cGUpIHtcbiAgICBjYXNlIEFDQ0VQVEFOQ0VfUkVTT1VSQ0VfVFlQRTpcbiAgICAgIHJldHVybiBhY2NlcHRhbmNlKGV2ZW50LCBlYzIsIG9wdGlvbnMsIGNsb3VkZm9ybWF0aW9uKTtcbiAgICBjYXNlIEROU19SRVNPTFVUSU9OX1JFU09VUkNFX1RZUEU6XG4gICAgICByZXR1cm4gZG5zUmVzb2x1dGlvbihldmVudCwgZWMyLCBvcHRpb25zKTtcbiAgICBkZWZhdWx0OlxuICAgICAgdGhyb3cgbmV3IEVycm9yKGBVbnN1cHBvcnRlZCByZXNvdXJjZSB0eXBlICR7ZXZlbnQuUmVzb3VyY2VUeXBlfTogZXhwZWN0ZWQgJHtBQ0NFUFRBTkNFX1JFU09VUkNFX1RZUEV9IG9yICR7RE5TX1JFU09MVVRJT05fUkVTT1VSQ0VfVFlQRX1gKTtcbiAgfVxufVxuXG5hc3luYyBmdW5jdGlvbiBhY2NlcHRhbmNlKGV2ZW50OiBDdXN0b21SZXNvdXJjZUV2ZW50LCBlYzI6IEVDMkNsaWVudCwgb3B0aW9uczogT25FdmVudE9wdGlvbnMsIGNsb3VkZm9ybWF0aW9uPzogQ2xvdWRGb3JtYXRpb25DbGllbnQsXG4pOiBQcm9taXNlPEN1c3RvbVJlc291cmNlUmVzdWx0PiB7XG4gIGNvbnN0IHByb3BzID0gZXZlbnQuUmVzb3VyY2VQcm9wZXJ0aWVzO1xuICBjb25zdCBpZCA9IHByb3BzLlZwY1BlZXJpbmdDb25uZWN0aW9uSWQ7XG4gIGlmIChldmVudC5SZXF1ZXN0VHlwZSA9PT0gJ0RlbGV0ZScpIHtcbiAgICByZXR1cm4gcmVtb3ZlQWNjZXB0YW5jZShldmVudCwgZWMyLCBvcHRpb25zLCBjbG91ZGZvcm1hdGlvbik7XG4gIH1cbiAgLy8gQSByb2xsYmFjayByZXN0b3JlcyB0aGUgcHJvcGVydGllcyB0aGUgYWNjZXB0YW5jZSBoYWQ6IG5vdGhpbmcgdG8gYWNjZXB0IG9yIGNoZWNrIGFnYWluIChhIGNoZWNrIGZhaWxpbmcgbm93LFxuICAvLyB3aGVuIHRoZSB2ZW5kb3IgaGFzIGFkZGVkIGEgYmxvY2sgc2luY2UsIHdvdWxkIGZhaWwgdGhlIHJvbGxiYWNrIGl0c2VsZikuXG4gIGlmIChldmVudC5SZXF1ZXN0VHlwZSA9PT0gJ1VwZGF0ZScgJiYgY29ubmVjdGlvbk9mKGV2ZW50LlBoeXNpY2FsUmVzb3VyY2VJZCkgPT09IGlkICYmIGF3YWl0IGlzUm9sbGluZ0JhY2soZXZlbnQsIGNsb3VkZm9ybWF0aW9uKSkge1xuICAgIHJldHVybiB7IFBoeXNpY2FsUmVzb3VyY2VJZDogZXZlbnQuUGh5c2ljYWxSZXNvdXJjZUlkISB9O1xuICB9XG4gIGxldCBwY3ggPSBhd2FpdCBkZXNjcmliZShlYzIsIGlkKTtcbiAgY2hlY2tTaWRlcyhwY3gsIHByb3BzKTtcbiAgY2hlY2tCbG9ja3MocGN4LCBwcm9wcyk7XG4gIGNvbnN0IHN0YXR1cyA9IHN0YXR1c09mKHBjeCk7XG4gIGlmIChERUFEX1NUQVRFUy5oYXMoc3RhdHVzKSkge1xuICAgIHRocm93IG5ldyBFcnJvcihgVlBDIHBlZXJpbmcgY29ubmVjdGlvbiAke2lkfSBpcyAke3N0YXR1c30ke21lc3NhZ2VPZihwY3gpfTogYXNrIHRoZSByZXF1ZXN0ZXIgZm9yIGEgbmV3IHJlcXVlc3RgKTtcbiAgfVxuICBsZXQgYWNjZXB0ZWQgPSBmYWxzZTtcbiAgaWYgKHN0YXR1cyA9PT0gJ3BlbmRpbmctYWNjZXB0YW5jZScpIHtcbiAgICBpZiAocHJvcHMuQWNjZXB0ICE9PSAndHJ1ZScpIHtcbiAgICAgIHRocm93IG5ldyBFcnJvcihgVlBDIHBlZXJpbmcgY29ubmVjdGlvbiAke2lkfSBpcyBwZW5kaW5nIGFjY2VwdGFuY2U6IGFjY2VwdCBpdCwgb3Igc2V0IGFjY2VwdFBlZXJpbmdDb25uZWN0aW9uYCk7XG4gICAgfVxuICAgIGF3YWl0IHNlbmRBbGxvd2VkKCgpID0+IGVjMi5zZW5kKG5ldyBBY2NlcHRWcGNQZWVyaW5nQ29ubmVjdGlvbkNvbW1hbmQoeyBWcGNQZWVyaW5nQ29ubmVjdGlvbklkOiBpZCB9KSksIG9wdGlvbnMpO1xuICAgIHBjeCA9IGF3YWl0IHdhaXRVbnRpbEFjdGl2ZShlYzIsIGlkLCBvcHRpb25zKTtcbiAgICBhY2NlcHRlZCA9IHRydWU7XG4gIH0gZWxzZSBpZiAoVFJBTlNJRU5UX1NUQVRFUy5oYXMoc3RhdHVzKSkge1xuICAgIHBjeCA9IGF3YWl0IHdhaXRVbnRpbEFjdGl2ZShlYzIsIGlkLCBvcHRpb25zKTtcbiAgfSBlbHNlIGlmIChzdGF0dXMgIT09ICdhY3RpdmUnKSB7XG4gICAgdGhyb3cgbmV3IEVycm9yKGBWUEMgcGVlcmluZyBjb25uZWN0aW9uICR7aWR9IGlzICR7c3RhdHVzfSR7bWVzc2FnZU9mKHBjeCl9LCBub3QgcGVuZGluZyBhY2NlcHRhbmNlIG9yIGFjdGl2ZWApO1xuICB9XG4gIC8vIEFuIHVwZGF0ZSBvZiB0aGUgc2FtZSBjb25uZWN0aW9uIGtlZXBzIGl0cyBwaHlzaWNhbCBpZCAoYSBuZXcgb25lIHdvdWxkIG1ha2UgQ2xvdWRGb3JtYXRpb24gZGVsZXRlIHRoZSBvbGQpLlxuICBjb25zdCBzYW1lQ29ubmVjdGlvbiA9IGV2ZW50LlJlcXVlc3RUeXBlID09PSAnVXBkYXRlJyAmJiBjb25uZWN0aW9uT2YoZXZlbnQuUGh5c2ljYWxSZXNvdXJjZUlkKSA9PT0gaWQ7XG4gIHJldHVybiB7XG4gICAgUGh5c2ljYWxSZXNvdXJjZUlkOiBzYW1lQ29ubmVjdGlvbiA/IGV2ZW50LlBoeXNpY2FsUmVzb3VyY2VJZCEgOiBgJHtpZH0ke2FjY2VwdGVkID8gQUNDRVBURURfU1VGRklYIDogJyd9YCxcbiAgICBEYXRhOiB7XG4gICAgICBSZXF1ZXN0ZXJBY2NvdW50SWQ6IHBjeC5SZXF1ZXN0ZXJWcGNJbmZvPy5Pd25lcklkID8/ICcnLFxuICAgICAgUmVxdWVzdGVyVnBjSWQ6IHBjeC5SZXF1ZXN0ZXJWcGNJbmZvPy5WcGNJZCA/PyAnJyxcbiAgICAgIFJlcXVlc3RlckNpZHJCbG9jazogcGN4LlJlcXVlc3RlclZwY0luZm8/LkNpZHJCbG9jayA/PyAnJyxcbiAgICB9LFxuICB9O1xufVxuXG4vKiogVGhlIGNvbm5lY3Rpb24gYW4gYWNjZXB0YW5jZSdzIHBoeXNpY2FsIGlkIG5hbWVzLiAqL1xuZnVuY3Rpb24gY29ubmVjdGlvbk9mKHBoeXNpY2FsSWQ6IHN0cmluZyB8IHVuZGVmaW5lZCk6IHN0cmluZyB8IHVuZGVmaW5lZCB7XG4gIHJldHVybiBwaHlzaWNhbElkPy5lbmRzV2l0aChBQ0NFUFRFRF9TVUZGSVgpID8gcGh5c2ljYWxJZC5zbGljZSgwLCAtQUNDRVBURURfU1VGRklYLmxlbmd0aCkgOiBwaHlzaWNhbElkO1xufVxuXG4vKiogU3RhY2sgc3RhdGVzIGluIHdoaWNoIENsb3VkRm9ybWF0aW9uIGRlbGV0ZXMgd2hhdCB0aGUgZmFpbGVkIG9wZXJhdGlvbiBjcmVhdGVkLiAqL1xuY29uc3QgUk9MTEJBQ0tfU1RBVEVTID0gbmV3IFNldChbJ1JPTExCQUNLX0lOX1BST0dSRVNTJywgJ1VQREFURV9ST0xMQkFDS19JTl9QUk9HUkVTUycsICdVUERBVEVfUk9MTEJBQ0tfQ09NUExFVEVfQ0xFQU5VUF9JTl9QUk9HUkVTUyddKTtcblxuLyoqXG4gKiBEZWxldGVzIHRoZSBjb25uZWN0aW9uIHdoZW4gdGhlIHJlbW92YWwgcG9saWN5IHNheXMgc28gKCdkZXN0cm95JyksIG9yIHdoZW4gdGhpcyBEZWxldGUgcm9sbHMgYmFjayB0aGUgY3JlYXRpb25cbiAqIHRoYXQgYWNjZXB0ZWQgaXQuIEEgY29ubmVjdGlvbiB0aGF0IGlzIGdvbmUsIG9yIGluIGEgc3RhdGUgdGhhdCBjYW5ub3QgYmUgZGVsZXRlZCwgbmVlZHMgbm90aGluZy5cbiAqL1xuYXN5bmMgZnVuY3Rpb24gcmVtb3ZlQWNjZXB0YW5jZShldmVudDogQ3VzdG9tUmVzb3VyY2VFdmVudCwgZWMyOiBFQzJDbGllbnQsIG9wdGlvbnM6IE9uRXZlbnRPcHRpb25zLCBjbG91ZGZvcm1hdGlvbj86IENsb3VkRm9ybWF0aW9uQ2xpZW50LFxuKTogUHJvbWlzZTxDdXN0b21SZXNvdXJjZVJlc3VsdD4ge1xuICBjb25zdCBwaHlzaWNhbCA9IGV2ZW50LlBoeXNpY2FsUmVzb3VyY2VJZCA/PyBldmVudC5SZXNvdXJjZVByb3BlcnRpZXMuVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDtcbiAgY29uc3QgaWQgPSBjb25uZWN0aW9uT2YocGh5c2ljYWwpITtcbiAgY29uc3Qgcm9sbGJhY2sgPSBhd2FpdCBpc1JvbGxpbmdCYWNrKGV2ZW50LCBjbG91ZGZvcm1hdGlvbik7XG4gIGNvbnN0IGNsb3NlID0gcm9sbGJhY2sgPyBwaHlzaWNhbC5lbmRzV2l0aChBQ0NFUFRFRF9TVUZGSVgpIDogZXZlbnQuUmVzb3VyY2VQcm9wZXJ0aWVzLlJlbW92YWxQb2xpY3kgPT09ICdkZXN0cm95JztcbiAgaWYgKGNsb3NlKSB7XG4gICAgY29uc3QgcGN4ID0gYXdhaXQgdHJ5RGVzY3JpYmUoZWMyLCBpZCk7XG4gICAgY29uc3Qgc3RhdHVzID0gcGN4ID8gc3RhdHVzT2YocGN4KSA6ICdkZWxldGVkJztcbiAgICBpZiAoc3RhdHVzID09PSAnYWN0aXZlJykge1xuICAgICAgYXdhaXQgc2VuZEFsbG93ZWQoKCkgPT4gZWMyLnNlbmQobmV3IERlbGV0ZVZwY1BlZXJpbmdDb25uZWN0aW9uQ29tbWFuZCh7IFZwY1BlZXJpbmdDb25uZWN0aW9uSWQ6IGlkIH0pKSwgb3B0aW9ucyk7XG4gICAgfSBlbHNlIGlmIChzdGF0dXMgPT09ICdwZW5kaW5nLWFjY2VwdGFuY2UnKSB7XG4gICAgICBhd2FpdCBzZW5kQWxsb3dlZCgoKSA9PiBlYzIuc2VuZChuZXcgUmVqZWN0VnBjUGVlcmluZ0Nvbm5lY3Rpb25Db21tYW5kKHsgVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDogaWQgfSkpLCBvcHRpb25zKTtcbiAgICB9XG4gIH1cbiAgcmV0dXJuIHsgUGh5c2ljYWxSZXNvdXJjZUlkOiBwaHlzaWNhbCB9O1xufVxuXG4vKiogV2hldGhlciB0aGUgc3RhY2sgaXMgcm9sbGluZyBiYWNrICh0aGUgRGVsZXRlIHVuZG9lcyBhIGNyZWF0aW9uKSwgZnJvbSBpdHMgc3RhdHVzOyBmYWxzZSB3aGVuIGl0IGNhbm5vdCBiZSByZWFkLiAqL1xuYXN5bmMgZnVuY3Rpb24gaXNSb2xsaW5nQmFjayhldmVudDogQ3VzdG9tUmVzb3VyY2VFdmVudCwgY2xvdWRmb3JtYXRpb24/OiBDbG91ZEZvcm1hdGlvbkNsaWVudCk6IFByb21pc2U8Ym9vbGVhbj4ge1xuICBpZiAoIWV2ZW50LlN0YWNrSWQgfHwgIWNsb3VkZm9ybWF0aW9uKSB7XG4gICAgcmV0dXJuIGZhbHNlO1xuICB9XG4gIHRyeSB7XG4gICAgY29uc3Qgb3V0ID0gYXdhaXQgY2xvdWRmb3JtYXRpb24uc2VuZChuZXcgRGVzY3JpYmVTdGFja3NDb21tYW5kKHsgU3RhY2tOYW1lOiBldmVudC5TdGFja0lkIH0pKTtcbiAgICByZXR1cm4gUk9MTEJBQ0tfU1RBVEVTLmhhcyhvdXQuU3RhY2tzPy5bMF0/LlN0YWNrU3RhdHVzID8/ICcnKTtcbiAgfSBjYXRjaCB7XG4gICAgcmV0dXJuIGZhbHNlO1xuICB9XG59XG5cbmFzeW5jIGZ1bmN0aW9uIGRuc1Jlc29sdXRpb24oZXZlbnQ6IEN1c3RvbVJlc291cmNlRXZlbnQsIGVjMjogRUMyQ2xpZW50LCBvcHRpb25zOiBPbkV2ZW50T3B0aW9ucyk6IFByb21pc2U8Q3VzdG9tUmVzb3VyY2VSZXN1bHQ+IHtcbiAgY29uc3QgcHJvcHMgPSBldmVudC5SZXNvdXJjZVByb3BlcnRpZXM7XG4gIGNvbnN0IGlkID0gcHJvcHMuVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDtcbiAgaWYgKGV2ZW50LlJlcXVlc3RUeXBlID09PSAnRGVsZXRlJykge1xuICAgIC8vIFRoZSBwaHlzaWNhbCBpZCBpcyB0aGUgY29ubmVjdGlvbiB0aGUgb3B0aW9uIHdhcyBzZXQgb24gKGEgY2hhbmdlZCBpZCByZXBsYWNlcyB0aGUgcmVzb3VyY2UpLlxuICAgIGNvbnN0IHRhcmdldCA9IGV2ZW50LlBoeXNpY2FsUmVzb3VyY2VJZD8uc3RhcnRzV2l0aCgncGN4LScpID8gZXZlbnQuUGh5c2ljYWxSZXNvdXJjZUlkIDogaWQ7XG4gICAgY29uc3QgcGN4ID0gYXdhaXQgdHJ5RGVzY3JpYmUoZWMyLCB0YXJnZXQpO1xuICAgIC8vIEEgY29ubmVjdGlvbiB0aGF0IGlzIGdvbmUgb3Igbm8gbG9uZ2VyIGFjdGl2ZSBoYXMgbm8gb3B0aW9ucyB0byB0dXJuIG9mZjogbm90aGluZyB0byBkby5cbiAgICBpZiAocGN4ICYmIHN0YXR1c09mKHBjeCkgPT09ICdhY3RpdmUnKSB7XG4gICAgICBhd2FpdCBzZXREbnNSZXNvbHV0aW9uKGVjMiwgdGFyZ2V0LCBmYWxzZSwgb3B0aW9ucyk7XG4gICAgfVxuICAgIHJldHVybiB7IFBoeXNpY2FsUmVzb3VyY2VJZDogdGFyZ2V0IH07XG4gIH1cbiAgY29uc3QgcGN4ID0gYXdhaXQgZGVzY3JpYmUoZWMyLCBpZCk7XG4gIGNoZWNrU2lkZXMocGN4LCBwcm9wcyk7XG4gIGNvbnN0IHN0YXR1cyA9IHN0YXR1c09mKHBjeCk7XG4gIGlmIChzdGF0dXMgIT09ICdhY3RpdmUnKSB7XG4gICAgdGhyb3cgbmV3IEVycm9yKGBWUEMgcGVlcmluZyBjb25uZWN0aW9uICR7aWR9IGlzICR7c3RhdHVzfSR7bWVzc2FnZU9mKHBjeCl9OiBETlMgcmVzb2x1dGlvbiBjYW4gb25seSBiZSBzZXQgb24gYW4gYWN0aXZlIGNvbm5lY3Rpb25gKTtcbiAgfVxuICBhd2FpdCBzZXREbnNSZXNvbHV0aW9uKGVjMiwgaWQsIHRydWUsIG9wdGlvbnMpO1xuICByZXR1cm4geyBQaHlzaWNhbFJlc291cmNlSWQ6IGlkIH07XG59XG5cbmFzeW5jIGZ1bmN0aW9uIHNldERuc1Jlc29sdXRpb24oZWMyOiBFQzJDbGllbnQsIGlkOiBzdHJpbmcsIGFsbG93OiBib29sZWFuLCBvcHRpb25zOiBPbkV2ZW50T3B0aW9ucyk6IFByb21pc2U8dm9pZD4ge1xuICAvLyBPbmx5IG91ciBvd24gKGFjY2VwdGVyKSBzaWRlOiB0aGUgcmVxdWVzdGVyIHNldHMgaXRzIHNpZGUgaXRzZWxmLlxuICBhd2FpdCBzZW5kQWxsb3dlZCgoKSA9PiBlYzIuc2VuZChuZXcgTW9kaWZ5VnBjUGVlcmluZ0Nvbm5lY3Rpb25PcHRpb25zQ29tbWFuZCh7XG4gICAgVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDogaWQsXG4gICAgQWNjZXB0ZXJQZWVyaW5nQ29ubmVjdGlvbk9wdGlvbnM6IHsgQWxsb3dEbnNSZXNvbHV0aW9uRnJvbVJlbW90ZVZwYzogYWxsb3cgfSxcbiAgfSkpLCBvcHRpb25zKTtcbn1cblxuLyoqIFRoZSBlcnJvcnMgSUFNIGFuc3dlcnMgd2hpbGUgYSBwZXJtaXNzaW9uIGp1c3QgZ3JhbnRlZCBoYXMgbm90IHJlYWNoZWQgdGhlIGVuZHBvaW50IHlldC4gKi9cbmNvbnN0IE5PVF9ZRVRfQUxMT1dFRCA9IG5ldyBTZXQoWydVbmF1dGhvcml6ZWRPcGVyYXRpb24nLCAnQWNjZXNzRGVuaWVkJywgJ0FjY2Vzc0RlbmllZEV4Y2VwdGlvbiddKTtcblxuLyoqXG4gKiBTZW5kcyBhIGNhbGwgdGhhdCBuZWVkcyBhIHBlcm1pc3Npb24gb2YgdGhlIGZ1bmN0aW9uJ3Mgcm9sZSwgdHJ5aW5nIGFnYWluIHdoaWxlIElBTSByZWZ1c2VzIGl0OiB0aGUgcm9sZSdzIHBvbGljeVxuICogaXMgdXBkYXRlZCBpbiB0aGUgc2FtZSBkZXBsb3kgKGEgdmVuZG9yIGFkZGVkKSwgYW5kIElBTSB0YWtlcyB1cCB0byBhIGZldyBtaW51dGVzIHRvIGFwcGx5IGl0IGV2ZXJ5d2hlcmUuXG4gKi9cbmFzeW5jIGZ1bmN0aW9uIHNlbmRBbGxvd2VkPFQ+KGNhbGw6ICgpID0+IFByb21pc2U8VD4sIG9wdGlvbnM6IE9uRXZlbnRPcHRpb25zKTogUHJvbWlzZTxUPiB7XG4gIGNvbnN0IGRlbGF5ID0gb3B0aW9ucy5pYW1SZXRyeURlbGF5TXMgPz8gMTBfMDAwO1xuICBjb25zdCB0cmllcyA9IG9wdGlvbnMuaWFtVHJpZXMgPz8gMTg7XG4gIGZvciAobGV0IGF0dGVtcHQgPSAxOyA7IGF0dGVtcHQrKykge1xuICAgIHRyeSB7XG4gICAgICByZXR1cm4gYXdhaXQgY2FsbCgpO1xuICAgIH0gY2F0Y2ggKGUpIHtcbiAgICAgIGNvbnN0IG5hbWUgPSAoZSBhcyB7IG5hbWU/OiBzdHJpbmcgfSkubmFtZSA/PyAnJztcbiAgICAgIGlmICghTk9UX1lFVF9BTExPV0VELmhhcyhuYW1lKSB8fCBhdHRlbXB0ID49IHRyaWVzKSB7XG4gICAgICAgIGlmIChOT1RfWUVUX0FMTE9XRUQuaGFzKG5hbWUpKSB7XG4gICAgICAgICAgKGUgYXMgRXJyb3IpLm1lc3NhZ2UgPSBgJHsoZSBhcyBFcnJvcikubWVzc2FnZX0gKHN0aWxsIHJlZnVzZWQgYWZ0ZXIgJHt0cmllc30gdHJpZXMsICR7ZGVsYXl9IG1zIGFwYXJ0OiB0aGUgYCArXG4gICAgICAgICAgICBcImZ1bmN0aW9uJ3Mgcm9sZSBkb2VzIG5vdCBhbGxvdyBpdDsgdGhlIGNvbmRpdGlvbiBlYzI6UmVxdWVzdGVyVnBjIG9mIGl0cyBwb2xpY3kgbmFtZXMgdGhlIGV4cGVjdGVkIHJlcXVlc3RlcilcIjtcbiAgICAgICAgfVxuICAgICAgICB0aHJvdyBlO1xuICAgICAgfVxuICAgICAgYXdhaXQgbmV3IFByb21pc2UocmVzb2x2ZSA9PiBzZXRUaW1lb3V0KHJlc29sdmUsIGRlbGF5KSk7XG4gICAgfVxuICB9XG59XG5cbi8qKiBSZWZ1c2VzIGEgY29ubmVjdGlvbiB0aGF0IGlzIG5vdCBmb3Igb3VyIFZQQywgb3Igbm90IGZyb20gdGhlIGV4cGVjdGVkIHJlcXVlc3RlciAoXCJwZWVyIHBoaXNoaW5nXCIpLiAqL1xuZnVuY3Rpb24gY2hlY2tTaWRlcyhwY3g6IFZwY1BlZXJpbmdDb25uZWN0aW9uLCBwcm9wczogQWNjZXB0ZXJQcm9wZXJ0aWVzKTogdm9pZCB7XG4gIGNvbnN0IGlkID0gcHJvcHMuVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDtcbiAgY29uc3QgYWNjZXB0ZXJWcGMgPSBwY3guQWNjZXB0ZXJWcGNJbmZvPy5WcGNJZDtcbiAgaWYgKGFjY2VwdGVyVnBjICE9PSBwcm9wcy5BY2NlcHRlclZwY0lkKSB7XG4gICAgdGhyb3cgbmV3IEVycm9yKGBWUEMgcGVlcmluZyBjb25uZWN0aW9uICR7aWR9IGlzIG5vdCBmb3IgdGhpcyBWUEM6IGl0cyBhY2NlcHRlciBWUEMgaXMgJHthY2NlcHRlclZwY30sIG5vdCAke3Byb3BzLkFjY2VwdGVyVnBjSWR9YCk7XG4gIH1cbiAgY29uc3QgcmVxdWVzdGVyQWNjb3VudCA9IHBjeC5SZXF1ZXN0ZXJWcGNJbmZvPy5Pd25lcklkO1xuICBjb25zdCByZXF1ZXN0ZXJWcGMgPSBwY3guUmVxdWVzdGVyVnBjSW5mbz8uVnBjSWQ7XG4gIGlmIChwcm9wcy5FeHBlY3RlZFJlcXVlc3RlckFjY291bnRJZCAmJiByZXF1ZXN0ZXJBY2NvdW50ICE9PSBwcm9wcy5FeHBlY3RlZFJlcXVlc3RlckFjY291bnRJZCkge1xuICAgIHRocm93IG5ldyBFcnJvcihgVlBDIHBlZXJpbmcgY29ubmVjdGlvbiAke2lkfSB3YXMgcmVxdWVzdGVkIGJ5IGFjY291bnQgJHtyZXF1ZXN0ZXJBY2NvdW50fSwgbm90IGJ5IHRoZSBleHBlY3RlZCByZXF1ZXN0ZXIgYWNjb3VudCAke3Byb3BzLkV4cGVjdGVkUmVxdWVzdGVyQWNjb3VudElkfWApO1xuICB9XG4gIGlmIChwcm9wcy5FeHBlY3RlZFJlcXVlc3RlclZwY0lkICYmIHJlcXVlc3RlclZwYyAhPT0gcHJvcHMuRXhwZWN0ZWRSZXF1ZXN0ZXJWcGNJZCkge1xuICAgIHRocm93IG5ldyBFcnJvcihgVlBDIHBlZXJpbmcgY29ubmVjdGlvbiAke2lkfSB3YXMgcmVxdWVzdGVkIGZyb20gVlBDICR7cmVxdWVzdGVyVnBjfSwgbm90IGZyb20gdGhlIGV4cGVjdGVkIHJlcXVlc3RlciBWUEMgJHtwcm9wcy5FeHBlY3RlZFJlcXVlc3RlclZwY0lkfWApO1xuICB9XG59XG5cbi8qKiBIb3cgbWFueSBibG9ja3MgYSBtZXNzYWdlIGxpc3RzIGJlZm9yZSBpdCBjb3VudHMgdGhlIHJlc3QuICovXG5jb25zdCBMSVNURUQgPSA1O1xuXG5mdW5jdGlvbiBsaXN0ZWQoYmxvY2tzOiBzdHJpbmdbXSk6IHN0cmluZyB7XG4gIHJldHVybiBibG9ja3MubGVuZ3RoIDw9IExJU1RFRCA/IGJsb2Nrcy5qb2luKCcsICcpIDogYCR7YmxvY2tzLnNsaWNlKDAsIExJU1RFRCkuam9pbignLCAnKX0gYW5kICR7YmxvY2tzLmxlbmd0aCAtIExJU1RFRH0gbW9yZWA7XG59XG5cbi8qKlxuICogV2l0aCBgUmVxdWVzdGVyQ2lkckJsb2Nrc2A6IHRoZSBibG9ja3MgdGhlIHBvbGljeSBsb2NrcyBkb3duIGFyZSBzYW5lIG5vdyB0aGF0IHRva2VucyBoYXZlIHZhbHVlcyAoQ0lEUiBibG9ja3MsIG5vdFxuICogd2lkZXIgdGhhbiBhIFZQQywgbm90IG92ZXJsYXBwaW5nIG91ciBvd24gVlBDKSwgYW5kIGV2ZXJ5IENJRFIgYmxvY2sgb2YgdGhlIHJlcXVlc3RlcidzIFZQQywgSVB2NCBhbmQgSVB2NiwgbGllc1xuICogaW4gb25lIG9mIHRoZW0uIEEgYmxvY2sgb2YgdGhlIHJlcXVlc3RlciB0aGF0IHRoZSBOZXR3b3JrIEFDTCBydWxlcyBkbyBub3QgbmFtZSBpcyBkZWNpZGVkIGJ5IHRoZSBOQUNMJ3Mgb3RoZXJcbiAqIHJ1bGVzICh0aGUgYWxsb3ctYWxsIGF0IDEwMCBvZiBhIGRlZmF1bHQgTkFDTCk6IGl0IG11c3Qgbm90IGJlIHBlZXJlZC5cbiAqL1xuZnVuY3Rpb24gY2hlY2tCbG9ja3MocGN4OiBWcGNQZWVyaW5nQ29ubmVjdGlvbiwgcHJvcHM6IEFjY2VwdGVyUHJvcGVydGllcyk6IHZvaWQge1xuICBpZiAocHJvcHMuUmVxdWVzdGVyQ2lkckJsb2NrcyA9PT0gdW5kZWZpbmVkKSB7XG4gICAgcmV0dXJuO1xuICB9XG4gIGNvbnN0IGlkID0gcHJvcHMuVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZDtcbiAgY29uc3QgZXh0ZXJuYWwgPSB7IGlwdjQ6IHByb3BzLlJlcXVlc3RlckNpZHJCbG9ja3MgPz8gW10sIGlwdjY6IHByb3BzLlJlcXVlc3RlcklwdjZDaWRyQmxvY2tzID8/IFtdIH07XG4gIGNvbnN0IG91cnMgPSBbXG4gICAgLi4uKHBjeC5BY2NlcHRlclZwY0luZm8/LkNpZHJCbG9ja1NldCA/PyBbXSkubWFwKGIgPT4gYi5DaWRyQmxvY2spLFxuICAgIHBjeC5BY2NlcHRlclZwY0luZm8/LkNpZHJCbG9jayxcbiAgICAuLi4ocGN4LkFjY2VwdGVyVnBjSW5mbz8uSXB2NkNpZHJCbG9ja1NldCA/PyBbXSkubWFwKGIgPT4gYi5JcHY2Q2lkckJsb2NrKSxcbiAgXS5mbGF0TWFwKGIgPT4gKGIgPyBbcGFyc2VCbG9jayhiKV0uZmlsdGVyKCh4KTogeCBpcyBCbG9jayA9PiB4ICE9PSB1bmRlZmluZWQpIDogW10pKTtcbiAgY29uc3QgcGFyc2VkOiBCbG9ja1tdID0gW107XG4gIGZvciAoY29uc3QgZmFtaWx5IG9mIFsnaXB2NCcsICdpcHY2J10gYXMgY29uc3QpIHtcbiAgICBjb25zdCBwcm9wID0gZmFtaWx5ID09PSAnaXB2NCcgPyAnZXh0ZXJuYWxDaWRyQmxvY2tzJyA6ICdleHRlcm5hbElwdjZDaWRyQmxvY2tzJztcbiAgICBmb3IgKGNvbnN0IHRleHQgb2YgZXh0ZXJuYWxbZmFtaWx5XSkge1xuICAgICAgY29uc3QgYmxvY2sgPSBwYXJzZUJsb2NrKHRleHQpO1xuICAgICAgaWYgKCFibG9jayB8fCBibG9jay5mYW1pbHkgIT09IGZhbWlseSkge1xuICAgICAgICB0aHJvdyBuZXcgRXJyb3IoYCR7cHJvcH0gdmFsdWUgJyR7dGV4dH0nIGlzIG5vdCBhbiAke2ZhbWlseSA9PT0gJ2lwdjQnID8gJ0lQdjQnIDogJ0lQdjYnfSBDSURSIGJsb2NrOiBmaXggdGhlIHZhbHVlIGl0IHdhcyBnaXZlbiBhdCBkZXBsb3kgdGltZSAoYSBwYXJhbWV0ZXIsIGFuIGltcG9ydClgKTtcbiAgICAgIH1cbiAgICAgIGlmIChibG9jay5wcmVmaXggPCAoZmFtaWx5ID09PSAnaXB2NCcgPyAxNiA6IDQ0KSkge1xuICAgICAgICB0aHJvdyBuZXcgRXJyb3IoXG4gICAgICAgICAgYCR7cHJvcH0gdmFsdWUgJyR7dGV4dH0nIGlzIHdpZGVyIHRoYW4gYW55IFZQQyAoYSBWUEMncyBibG9ja3MgYXJlIC8xNiBvciBuYXJyb3dlciwgSVB2NiAvNDQpOiBpdHMgcnVsZXMgYW5kIGAgK1xuICAgICAgICAgICdyb3V0ZXMgd291bGQgY292ZXIgYWRkcmVzc2VzIHRoYXQgYXJlIG5vdCB0aGUgdmVuZG9yXFwncy4gR2l2ZSB0aGUgdmVuZG9yIFZQQ1xcJ3MgYmxvY2tzIG9uZSBieSBvbmUnLFxuICAgICAgICApO1xuICAgICAgfVxuICAgICAgY29uc3Qgb3duID0gb3Vycy5maW5kKG8gPT4gb3ZlcmxhcHMobywgYmxvY2spKTtcbiAgICAgIGlmIChvd24pIHtcbiAgICAgICAgdGhyb3cgbmV3IEVycm9yKGAke3Byb3B9IHZhbHVlICcke3RleHR9JyBvdmVybGFwcyB0aGlzIFZQQydzIENJRFIgYmxvY2sgJHtvd24udGV4dH06IGl0cyBkZW55IHJ1bGVzIHdvdWxkIGN1dCB0aGlzIFZQQyBvZmYgZnJvbSBpdHNlbGYuIEdpdmUgdGhlIHZlbmRvciBWUEMncyBibG9ja3NgKTtcbiAgICAgIH1cbiAgICAgIHBhcnNlZC5wdXNoKGJsb2NrKTtcbiAgICB9XG4gIH1cbiAgY29uc3QgcmVxdWVzdGVyID0gcGN4LlJlcXVlc3RlclZwY0luZm87XG4gIGNvbnN0IHRoZWlycyA9IFtcbiAgICAuLi5uZXcgU2V0KFtcbiAgICAgIC4uLihyZXF1ZXN0ZXI/LkNpZHJCbG9ja1NldCA/PyBbXSkubWFwKGIgPT4gYi5DaWRyQmxvY2spLFxuICAgICAgLi4uKHJlcXVlc3Rlcj8uQ2lkckJsb2NrU2V0Py5sZW5ndGggPyBbXSA6IFtyZXF1ZXN0ZXI/LkNpZHJCbG9ja10pLFxuICAgICAgLi4uKHJlcXVlc3Rlcj8uSXB2NkNpZHJCbG9ja1NldCA/PyBbXSkubWFwKGIgPT4gYi5JcHY2Q2lkckJsb2NrKSxcbiAgICBdLmZpbHRlcigoYik6IGIgaXMgc3RyaW5nID0+ICEhYikpLFxuICBdO1xuICBjb25zdCB1bmNvdmVyZWQgPSB0aGVpcnMuZmlsdGVyKHRleHQgPT4ge1xuICAgIGNvbnN0IGJsb2NrID0gcGFyc2VCbG9jayh0ZXh0KTtcbiAgICByZXR1cm4gIWJsb2NrIHx8ICFwYXJzZWQuc29tZShwID0+IGNvbnRhaW5zKHAsIGJsb2NrKSk7XG4gIH0pO1xuICBpZiAodW5jb3ZlcmVkLmxlbmd0aCA+IDApIHtcbiAgICBjb25zdCBpcHY2ID0gdW5jb3ZlcmVkLmZpbHRlcihiID0+IGIuaW5jbHVkZXMoJzonKSk7XG4gICAgY29uc3QgaXB2NCA9IHVuY292ZXJlZC5maWx0ZXIoYiA9PiAhYi5pbmNsdWRlcygnOicpKTtcbiAgICBjb25zdCBhZGQgPSBbXG4gICAgICAuLi4oaXB2NC5sZW5ndGggPyBbYGFkZCAke2xpc3RlZChpcHY0KX0gdG8gZXh0ZXJuYWxDaWRyQmxvY2tzYF0gOiBbXSksXG4gICAgICAuLi4oaXB2Ni5sZW5ndGggPyBbYGFkZCAke2xpc3RlZChpcHY2KX0gdG8gZXh0ZXJuYWxJcHY2Q2lkckJsb2Nrc2BdIDogW10pLFxuICAgIF0uam9pbignIGFuZCAnKTtcbiAgICB0aHJvdyBuZXcgRXJyb3IoXG4gICAgICBgVlBDIHBlZXJpbmcgY29ubmVjdGlvbiAke2lkfSBpcyBmcm9tIFZQQyAke3JlcXVlc3Rlcj8uVnBjSWR9IChhY2NvdW50ICR7cmVxdWVzdGVyPy5Pd25lcklkfSksIHdoaWNoIGhhcyBDSURSIGAgK1xuICAgICAgYGJsb2NrJHt1bmNvdmVyZWQubGVuZ3RoID09PSAxID8gJycgOiAncyd9ICR7bGlzdGVkKHVuY292ZXJlZCl9IHRoYXQgdGhlIE5ldHdvcmsgQUNMIHJ1bGVzIGRvIG5vdCBjb3ZlciBgICtcbiAgICAgIGAoZXh0ZXJuYWwgYmxvY2tzOiAke2xpc3RlZChbLi4uZXh0ZXJuYWwuaXB2NCwgLi4uZXh0ZXJuYWwuaXB2Nl0pIHx8ICdub25lJ30pOiB0cmFmZmljIGZyb20gJHt1bmNvdmVyZWQubGVuZ3RoID09PSAxID8gJ2l0JyA6ICd0aGVtJ30gd291bGQgcGFzcyBgICtcbiAgICAgIGB0aGUgTkFDTHMnIG90aGVyIHJ1bGVzIChhIGRlZmF1bHQgTkFDTCdzIGFsbG93LWFsbCkuIElmICR7dW5jb3ZlcmVkLmxlbmd0aCA9PT0gMSA/ICdpdCBpcycgOiAndGhleSBhcmUnfSB0aGUgdmVuZG9yJ3MsICR7YWRkfSBgICtcbiAgICAgICcocmVxdWVzdGVyQ2lkckJsb2NrcyBvciByZXF1ZXN0ZXJJcHY2Q2lkckJsb2NrcyBvZiBhIFBlZXJpbmdDb25uZWN0aW9uQWNjZXB0ZXIpIGFuZCBkZXBsb3kgYWdhaW47IGlmIG5vdCwgJyArXG4gICAgICAnYXNrIHRoZSB2ZW5kb3Igd2h5LiBOb3RoaW5nIHdhcyBhY2NlcHRlZCBvciByb3V0ZWQnLFxuICAgICk7XG4gIH1cbn1cblxuYXN5bmMgZnVuY3Rpb24gd2FpdFVudGlsQWN0aXZlKGVjMjogRUMyQ2xpZW50LCBpZDogc3RyaW5nLCBvcHRpb25zOiBPbkV2ZW50T3B0aW9ucyk6IFByb21pc2U8VnBjUGVlcmluZ0Nvbm5lY3Rpb24+IHtcbiAgY29uc3QgaW50ZXJ2YWwgPSBvcHRpb25zLnBvbGxJbnRlcnZhbE1zID8/IDUwMDA7XG4gIGNvbnN0IG1heFBvbGxzID0gb3B0aW9ucy5tYXhQb2xscyA/PyAxMjA7XG4gIGZvciAobGV0IHBvbGwgPSAwOyA7IHBvbGwrKykge1xuICAgIGNvbnN0IHBjeCA9IGF3YWl0IGRlc2NyaWJlKGVjMiwgaWQpO1xuICAgIGNvbnN0IHN0YXR1cyA9IHN0YXR1c09mKHBjeCk7XG4gICAgaWYgKHN0YXR1cyA9PT0gJ2FjdGl2ZScpIHtcbiAgICAgIHJldHVybiBwY3g7XG4gICAgfVxuICAgIGlmICghVFJBTlNJRU5UX1NUQVRFUy5oYXMoc3RhdHVzKSAmJiBzdGF0dXMgIT09ICdwZW5kaW5nLWFjY2VwdGFuY2UnKSB7XG4gICAgICB0aHJvdyBuZXcgRXJyb3IoYFZQQyBwZWVyaW5nIGNvbm5lY3Rpb24gJHtpZH0gaXMgJHtzdGF0dXN9JHttZXNzYWdlT2YocGN4KX0gYWZ0ZXIgaXRzIGFjY2VwdGFuY2VgKTtcbiAgICB9XG4gICAgaWYgKHBvbGwgKyAxID49IG1heFBvbGxzKSB7XG4gICAgICB0aHJvdyBuZXcgRXJyb3IoYFZQQyBwZWVyaW5nIGNvbm5lY3Rpb24gJHtpZH0gaXMgc3RpbGwgJHtzdGF0dXN9IGFmdGVyICR7bWF4UG9sbHN9IHJlYWRzLCAke2ludGVydmFsfSBtcyBhcGFydGApO1xuICAgIH1cbiAgICBhd2FpdCBuZXcgUHJvbWlzZShyZXNvbHZlID0+IHNldFRpbWVvdXQocmVzb2x2ZSwgaW50ZXJ2YWwpKTtcbiAgfVxufVxuXG5hc3luYyBmdW5jdGlvbiBkZXNjcmliZShlYzI6IEVDMkNsaWVudCwgaWQ6IHN0cmluZyk6IFByb21pc2U8VnBjUGVlcmluZ0Nvbm5lY3Rpb24+IHtcbiAgY29uc3QgcGN4ID0gYXdhaXQgdHJ5RGVzY3JpYmUoZWMyLCBpZCk7XG4gIGlmICghcGN4KSB7XG4gICAgdGhyb3cgbmV3IEVycm9yKGBWUEMgcGVlcmluZyBjb25uZWN0aW9uICR7aWR9IG5vdCBmb3VuZCBpbiB0aGlzIGFjY291bnQgYW5kIHJlZ2lvbiAoJHtwcm9jZXNzLmVudi5BV1NfUkVHSU9OID8/ICd1bmtub3duIHJlZ2lvbid9KTogdGhlIHJlcXVlc3QgbXVzdCBiZSBmb3IgYSBWUEMgb2YgdGhpcyBhY2NvdW50LCBpbiB0aGUgc3RhY2sncyByZWdpb25gKTtcbiAgfVxuICByZXR1cm4gcGN4O1xufVxuXG5hc3luYyBmdW5jdGlvbiB0cnlEZXNjcmliZShlYzI6IEVDMkNsaWVudCwgaWQ6IHN0cmluZyk6IFByb21pc2U8VnBjUGVlcmluZ0Nvbm5lY3Rpb24gfCB1bmRlZmluZWQ+IHtcbiAgdHJ5IHtcbiAgICBjb25zdCBvdXQgPSBhd2FpdCBlYzIuc2VuZChuZXcgRGVzY3JpYmVWcGNQZWVyaW5nQ29ubmVjdGlvbnNDb21tYW5kKHsgVnBjUGVlcmluZ0Nvbm5lY3Rpb25JZHM6IFtpZF0gfSkpO1xuICAgIHJldHVybiBvdXQuVnBjUGVlcmluZ0Nvbm5lY3Rpb25zPy5bMF07XG4gIH0gY2F0Y2ggKGUpIHtcbiAgICBpZiAoKGUgYXMgeyBuYW1lPzogc3RyaW5nIH0pLm5hbWUgPT09ICdJbnZhbGlkVnBjUGVlcmluZ0Nvbm5lY3Rpb25JRC5Ob3RGb3VuZCcpIHtcbiAgICAgIHJldHVybiB1bmRlZmluZWQ7XG4gICAgfVxuICAgIHRocm93IGU7XG4gIH1cbn1cblxuZnVuY3Rpb24gc3RhdHVzT2YocGN4OiBWcGNQZWVyaW5nQ29ubmVjdGlvbik6IHN0cmluZyB7XG4gIHJldHVybiBwY3guU3RhdHVzPy5Db2RlID8/ICd1bmtub3duJztcbn1cblxuZnVuY3Rpb24gbWVzc2FnZU9mKHBjeDogVnBjUGVlcmluZ0Nvbm5lY3Rpb24pOiBzdHJpbmcge1xuICByZXR1cm4gcGN4LlN0YXR1cz8uTWVzc2FnZSA/IGAgKCR7cGN4LlN0YXR1cy5NZXNzYWdlfSlgIDogJyc7XG59XG5cbmZ1bmN0aW9uIHJlcXVpcmVQcm9wZXJ0eShwcm9wczogQWNjZXB0ZXJQcm9wZXJ0aWVzLCBuYW1lOiBrZXlvZiBBY2NlcHRlclByb3BlcnRpZXMpOiB2b2lkIHtcbiAgaWYgKCFwcm9wc1tuYW1lXSkge1xuICAgIHRocm93IG5ldyBFcnJvcihgTWlzc2luZyByZXNvdXJjZSBwcm9wZXJ0eSAke25hbWV9YCk7XG4gIH1cbn1cbiJdfQ==