export * from '../../src/analysis/nacl-evaluator';
