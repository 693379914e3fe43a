export * from './vpc-peering-external-props';
export * from './vpc-peering-external';
export * from './warnings';
export * from './peering-connection-accepter';
export * from './saas-peering-preset';
