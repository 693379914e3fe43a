export * from '../../src/analysis/template';
