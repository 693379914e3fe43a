export * from './vpc-peering-external-props';
export * from './vpc-peering-external';
export * from './warnings';
export * from './ephemeral-ports';
export * from './security-group-check';
export * from './peering-connection-accepter';
export * from './saas-peering-preset';
export * from './rule-number-record';
