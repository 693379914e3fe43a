export * from '../../src/analysis/cfn-update';
