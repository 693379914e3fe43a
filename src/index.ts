export * from './vpc-peering-external-props';
export * from './vpc-peering-external';
