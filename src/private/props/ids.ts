/**
 * The ids of AWS resources that props name, and their checks: one pattern and one message each, for every construct
 * that takes them. Unresolved tokens are accepted as they are.
 */
import { Token } from 'aws-cdk-lib';

/** `pcx-` and 8 or 17 lowercase hexadecimal characters. */
const PCX_ID = /^pcx-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** `vpc-` and 8 or 17 lowercase hexadecimal characters. */
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** 12 digits. */
const ACCOUNT_ID = /^\d{12}$/;

/** Throws unless `id` is a VPC peering connection id (`pcx-…`) or a token. */
export function validatePeeringConnectionId(id: string): void {
  if (Token.isUnresolved(id)) {
    return;
  }
  if (id.trim() === '') {
    throw new Error("vpcPeeringConnectionId is empty: pass the id ('pcx-…') of the peering connection you accepted");
  }
  if (!PCX_ID.test(id)) {
    throw new Error(
      `vpcPeeringConnectionId '${id}' is not a VPC peering connection id: expected 'pcx-' and 8 or 17 lowercase ` +
      "hexadecimal characters, as 'aws ec2 describe-vpc-peering-connections' shows it",
    );
  }
}

/** Throws unless `id` is a VPC id (`vpc-…`) or a token; `where` names the prop. */
export function validateVpcId(id: string, where: string): void {
  if (!Token.isUnresolved(id) && !VPC_ID.test(id)) {
    throw new Error(`${where} '${id}' is not a VPC id: expected 'vpc-' and 8 or 17 lowercase hexadecimal characters`);
  }
}

/** Throws unless `id` is an AWS account id (12 digits) or a token; `where` names the prop. */
export function validateAccountId(id: string, where: string): void {
  if (!Token.isUnresolved(id) && !ACCOUNT_ID.test(id)) {
    throw new Error(`${where} '${id}' is not an AWS account id: expected 12 digits`);
  }
}

/**
 * Accepting needs to know who the request must come from: `expectedRequester`, or an explicit, reasoned opt-out
 * (`acceptAnyRequesterReason`). Throws otherwise, and when the opt-out is given where it means nothing.
 */
export function validateRequesterOptOut(accept: boolean, requester: { accountId: string } | undefined, reason: string | undefined): void {
  if (reason !== undefined && (typeof reason !== 'string' || (!Token.isUnresolved(reason) && reason.trim() === ''))) {
    throw new Error(
      `acceptAnyRequesterReason ${JSON.stringify(reason)} gives no reason: say why the requester's account cannot be ` +
      "known (e.g. 'the vendor creates a new account per cluster'), or give expectedRequester instead",
    );
  }
  if (reason !== undefined && requester) {
    throw new Error(
      'acceptAnyRequesterReason is given with expectedRequester: the request is checked against expectedRequester, so ' +
      'there is nothing to opt out of. Remove acceptAnyRequesterReason',
    );
  }
  if (reason !== undefined && !accept) {
    throw new Error(
      'acceptAnyRequesterReason is given, but the deploy does not accept the request (acceptPeeringConnection is off): ' +
      'remove it, or set acceptPeeringConnection to true',
    );
  }
  if (accept && !requester && reason === undefined) {
    throw new Error(
      'acceptPeeringConnection is on without expectedRequester: the deploy would accept a request for this VPC from ' +
      'any AWS account, and route your traffic to it ("peer phishing": a stranger\'s request can name your VPC and the ' +
      "vendor's CIDR block). Give expectedRequester: { accountId: '111122223333' } with the vendor's account id (its " +
      'console or support shows it), or, if it cannot be known, say why in acceptAnyRequesterReason',
    );
  }
}
