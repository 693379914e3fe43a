import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ExpectedRequester } from './peering-connection-accepter';
import { SaasPeeringPreset } from './saas-peering-preset';
import { SecurityGroupCheck } from './security-group-check';

/**
 * Properties of a `VpcPeeringExternal`.
 *
 * Give the VPC, the id of the peering connection the third party requested, the CIDR blocks of the external VPC and the traffic your
 * private app subnets may open towards it. Everything else has a default that locks the peering down.
 */
export interface VpcPeeringExternalProps {
  /**
   * Your VPC: the accepter side of the peering connection.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The id of the VPC peering connection (`pcx-…`) that the third party requested.
   *
   * CloudFormation has no resource that accepts a request for a VPC you do not own: set `acceptPeeringConnection` to
   * accept it in the deploy (a custom resource), or accept it by hand first (console or
   * `aws ec2 accept-vpc-peering-connection`). A token (a `CfnParameter`, `Fn.importValue`, the attribute of a SaaS
   * resource type such as `MongoDB::Atlas::NetworkPeering`) is fine.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html
   */
  readonly vpcPeeringConnectionId: string;

  /**
   * Every IPv4 CIDR block of the external VPC, secondary blocks included.
   *
   * Each gets a route in every route table of the selected subnets, and its own allow and deny rules.
   * At least one of `externalCidrBlocks` and `externalIpv6CidrBlocks` is required.
   *
   * @default - no IPv4 routes or rules
   */
  readonly externalCidrBlocks?: string[];

  /**
   * Every IPv6 CIDR block of the external VPC.
   *
   * Each gets an IPv6 route (`DestinationIpv6CidrBlock`) in every route table of the selected subnets and IPv6 NACL
   * entries (`Ipv6CidrBlock`) with the same policy as the IPv4 blocks. Your VPC must have IPv6.
   *
   * @default - no IPv6 routes or rules
   */
  readonly externalIpv6CidrBlocks?: string[];

  /**
   * The subnets that talk to the external VPC: the private app subnets.
   *
   * Their route tables get the routes to the external VPC; their Network ACLs get the allow rules.
   *
   * @default - { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The connections the selected subnets may open towards the external VPC, for example
   * `ec2.AclTraffic.tcpPort(443)`.
   *
   * Each becomes an egress allow rule per external CIDR block; the replies come back through an ingress allow on the
   * ephemeral ports (`ephemeralPortRange`) for the same protocol. Touching or overlapping port ranges of one protocol
   * are merged into one rule. At least one of `allowOutbound` and `allowInbound` is required.
   *
   * @default - the selected subnets may open no connection to the external VPC
   */
  readonly allowOutbound?: ec2.AclTraffic[];

  /**
   * The connections the external VPC may open to the selected subnets, for a SaaS that must reach into your VPC
   * (a managed service reading your database, a webhook).
   *
   * Each becomes an ingress allow rule per external CIDR block; the replies go out through an egress allow to the
   * external VPC's ephemeral ports (`ephemeralPortRange`) for the same protocol.
   *
   * @default - the external VPC may open no connection to the selected subnets
   */
  readonly allowInbound?: ec2.AclTraffic[];

  /**
   * The ephemeral port range that return traffic uses, in both directions.
   *
   * Clients pick their source port from it: Linux 32768-60999, Windows 49152-65535, ELB, NAT gateways and Lambda
   * 1024-65535. Network ACLs are stateless, so the replies need their own allow rule.
   *
   * @default - { from: 1024, to: 65535 }
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports
   */
  readonly ephemeralPortRange?: ec2.AclPortRange;

  /**
   * The Network ACLs that get the allow rules (and the deny rules).
   *
   * Subnets still on the VPC's default NACL share that one NACL, and a NACL listed twice gets its rules once.
   * Required for imported subnets, which carry no NACL.
   *
   * @default - the Network ACLs of the selected subnets
   */
  readonly networkAcls?: ec2.INetworkAcl[];

  /**
   * Further Network ACLs (public or data tiers, say) that get only the deny rules, so that the external VPC can reach
   * nothing in their subnets.
   *
   * A NACL that is also in `networkAcls` (or is the NACL of a selected subnet) gets its deny rules once. With
   * `blanketDeny: false` these NACLs get nothing (and a warning says so).
   *
   * @default - no further Network ACLs
   */
  readonly denyNetworkAcls?: ec2.INetworkAcl[];

  /**
   * Whether to give the selected subnets a Network ACL of their own, made by the construct: it holds the peering rules
   * and, after them (rule 100, and 101 for IPv6 when the VPC has IPv6), an allow-all in both directions, so the
   * subnets' other traffic passes as on the default NACL and the rest of the VPC is untouched (its default NACL gets
   * nothing). The NACL is associated with the selected subnets and exposed as `networkAcl`.
   *
   * Deleting it (setting this back to false, or removing the construct) puts the subnets back on the VPC's default
   * NACL — not on a NACL they had before: in the deploy that turns it off, the default NACL must get the rules (a VPC
   * made in the app: by default; an imported VPC: pass its default NACL in `networkAcls`). Synth warns
   * (`PeeringWarnings.DEDICATED_NETWORK_ACL_DELETED`). Not with `networkAcls`, which names the NACLs to use instead.
   *
   * @default false
   */
  readonly createNetworkAcl?: boolean;

  /**
   * Whether every other Network ACL of the VPC that the app knows gets the deny rules too: the VPC's default NACL (of a
   * VPC made in this app) and every `NetworkAcl` made in the VPC, whatever subnets they hold. The Terraform module's
   * habit of passing `all_network_acl_ids`, as a switch: the public and data tiers are closed to the external VPC
   * without listing their NACLs.
   *
   * The default NACL of an imported VPC is not known to the app: pass it in `denyNetworkAcls`
   * (`ec2.NetworkAcl.fromNetworkAclId(this, 'DefaultAcl', 'acl-…')`).
   *
   * @default false
   */
  readonly denyOtherNetworkAcls?: boolean;

  /**
   * Whether to deny all other traffic to and from the external VPC.
   *
   * With `false` only the allow rules are created, and whatever other rules the NACLs hold decide the rest (the
   * default NACL allows everything).
   *
   * @default true
   */
  readonly blanketDeny?: boolean;

  /**
   * Whether to let ICMP "fragmentation needed" (IPv4 type 3 code 4) and ICMPv6 "packet too big" (type 2) in from the
   * external VPC, ahead of the deny rules, so that path MTU discovery works.
   *
   * @default true
   */
  readonly allowPathMtuDiscovery?: boolean;

  /**
   * The lowest rule number this construct may use: gives it a band of its own, `[firstRuleNumber, lastRuleNumber]`.
   *
   * Without a band (neither `firstRuleNumber` nor `lastRuleNumber`), the construct shares the numbers 50-99 of each NACL
   * with the other `VpcPeeringExternal` constructs of the app that have no band either, and with the rules the NACL
   * already holds: its numbers are chosen when the app is synthesized, each construct's allows before every deny, all
   * below the default NACL's allow-all at 100. Constructs in different stacks that share a NACL need bands of their
   * own (synth says which). In a band, the allow rules count up from the bottom and the deny rules down from the top.
   * Keep a band below any broad allow rule of the NACLs (the default NACL allows everything at rule 100), or the deny
   * rules are dead.
   *
   * @default - numbered automatically in 50-99 (see above); 50 when only `lastRuleNumber` is given
   */
  readonly firstRuleNumber?: number;

  /**
   * The highest rule number this construct may use (see `firstRuleNumber`).
   *
   * @default - numbered automatically in 50-99; 99 when only `firstRuleNumber` is given
   */
  readonly lastRuleNumber?: number;

  /**
   * The number of rules a Network ACL may hold per direction and address family: the AWS quota.
   *
   * The default quota is 20 and can be raised to at most 40. The construct counts the rules of every
   * `VpcPeeringExternal` on the NACL plus those the NACL already holds that it can see (the implicit deny, the default
   * NACL's allow-all, other entries in this app, `existingNetworkAclRules`) and fails at synth time when they do not
   * fit. Constructs sharing a NACL are held to the largest value any of them gives.
   *
   * @default 20
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
   */
  readonly maxRulesPerNetworkAcl?: number;

  /**
   * Rules that NACLs the app does not create already hold (an imported default NACL's allow-all at 100, a catch-all of
   * yours), so that the construct numbers its rules around them and counts them towards the quota.
   *
   * For an imported VPC's default NACL: `{ networkAcl, ruleNumbers: [100], ipv6RuleNumbers: [101] }` (101 only when the
   * VPC has IPv6). The NACLs of a VPC made in this app, and every entry the app declares, are known without this.
   *
   * @default - imported NACLs are assumed to hold no rule below 100
   */
  readonly existingNetworkAclRules?: ExistingNetworkAclRules[];

  /**
   * What to do about security group rules of the VPC that let the external VPC in: a rule whose CIDR block contains or
   * overlaps an external block (`0.0.0.0/0`, `::/0`, `10.0.0.0/8` for a `10.200.0.0/16` peer) on ports the Network
   * ACLs leave open to the peer. Inline rules and `AWS::EC2::SecurityGroupIngress` resources of every stack of the app
   * are checked; security groups the app does not define (imported) cannot be seen.
   *
   * @default SecurityGroupCheck.WARN
   */
  readonly securityGroupCheck?: SecurityGroupCheck;

  /**
   * The documented traffic of SaaS vendors, for example `SaasPeeringPreset.mongoDbAtlas()`.
   *
   * Each preset's connections are added to `allowOutbound` and `allowInbound` (which may then be left out).
   *
   * @default - no preset: only `allowOutbound` and `allowInbound`
   */
  readonly presets?: SaasPeeringPreset[];

  /**
   * Whether to accept the peering request at deploy time.
   *
   * A custom resource calls `AcceptVpcPeeringConnection` in the stack's region when the request is pending
   * acceptance, and fails with the reason when the request is expired, rejected or not for this VPC, from someone
   * other than `expectedRequester`, or from a VPC with a CIDR block the external blocks do not cover. Its function may
   * accept only this connection, only for this VPC, only from the expected requester. The acceptance waits for every
   * Network ACL entry; the routes wait for the acceptance. `removalPolicy` decides what happens to the connection when
   * the construct or its stack is removed. Without it, accept the request by hand (console or
   * `aws ec2 accept-vpc-peering-connection`) before the deploy: the deploy then checks the active connection the same
   * way and fails on a pending one.
   *
   * Accepting needs `expectedRequester` (or, if the requester cannot be known, `acceptAnyRequesterReason`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html
   */
  readonly acceptPeeringConnection?: boolean;

  /**
   * The account (and VPC) the peering request must come from: the vendor's.
   *
   * A request from another account or VPC is refused, both by the function's IAM policy (`ec2:RequesterVpc`) and by
   * its own check ("peer phishing": a stranger's request that names your VPC and the vendor's CIDR). Also checked when
   * the connection was accepted by hand. Required with `acceptPeeringConnection`, unless `acceptAnyRequesterReason`
   * says why not.
   *
   * @default - the requester is not checked (refused with `acceptPeeringConnection`)
   * @see https://docs.aws.amazon.com/vpc/latest/peering/security-iam.html
   */
  readonly expectedRequester?: ExpectedRequester;

  /**
   * Accept a request from any account, and why: the opt-out from `expectedRequester` with `acceptPeeringConnection`.
   *
   * Accepting without knowing who sent the request lets anyone who knows your VPC id and the vendor's CIDR block get
   * a peering the deploy accepts and routes your traffic to ("peer phishing"), so synth refuses it unless this names
   * the reason (for example `'the vendor creates a new account per cluster; its id is not known before the request'`).
   * The deploy still checks that the connection is for this VPC and that the requester's CIDR blocks are the external
   * blocks. Synth warns with the reason (`PeeringWarnings.REQUESTER_NOT_CHECKED`).
   *
   * @default - no opt-out: `expectedRequester` is required to accept
   */
  readonly acceptAnyRequesterReason?: string;

  /**
   * Whether to let the external VPC resolve the public DNS hostnames of your VPC's instances and endpoints to their
   * private IP addresses (the accepter-side option `AllowDnsResolutionFromRemoteVpc`).
   *
   * Without it, a hostname such as `ec2-54-1-2-3.compute-1.amazonaws.com` resolves to its public IP in the external
   * VPC, and its traffic leaves the peering. CloudFormation cannot set the option: a custom resource sets it with
   * `ModifyVpcPeeringConnectionOptions` once the connection is active, and turns it off again when removed. Your VPC
   * needs DNS hostnames and DNS resolution enabled (`enableDnsHostnames`, `enableDnsSupport`; a warning says so for a
   * `new ec2.Vpc` that has them off). The vendor sets its own side's option.
   *
   * @default false
   * @see https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
   */
  readonly allowDnsResolutionFromRemoteVpc?: boolean;

  /**
   * What happens to the peering when the construct goes — removed from the app, its stack deleted, or its
   * `vpcPeeringConnectionId` changed — so that an accepted peering is never left without its lockdown.
   *
   * - `RemovalPolicy.DESTROY`: the peering connection is deleted (a request still pending is rejected), then the routes
   *   and Network ACL entries.
   * - `RemovalPolicy.RETAIN`: the connection stays active, and so do the construct's deny entries (CloudFormation
   *   retains them): nothing passes between the two VPCs until you delete them. A deny whose block leaves the props
   *   (a CIDR block removed, `blanketDeny` turned off) is retained too.
   *
   * Either way a failed deploy rolls back to where it started: entries it created are deleted, and a connection that
   * its acceptance accepted is deleted as well (only after the entries existed was it accepted).
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long the log group of the accepter's function keeps its entries.
   *
   * The function behind `accepter` logs every request CloudFormation sends it and its answer to a log group of its own.
   * One function serves every accepter of a stack, with one log group: constructs of a stack that set this must agree
   * (a synth error names both); one that leaves it out takes the value another sets. The log group is retained when
   * the stack is deleted, so that the entries of the deletion itself stay readable until they expire.
   *
   * @default RetentionDays.ONE_YEAR
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Rules that a NACL the app imports already holds, in both directions.
 */
export interface ExistingNetworkAclRules {
  /** The NACL. */
  readonly networkAcl: ec2.INetworkAcl;

  /**
   * The rule numbers of its IPv4 rules (and rules whose family you do not know), in both directions.
   *
   * @default - none
   */
  readonly ruleNumbers?: number[];

  /**
   * The rule numbers of its IPv6 rules, in both directions.
   *
   * @default - none
   */
  readonly ipv6RuleNumbers?: number[];
}
