/** Model validation: splits, cross-validation and permutation importance. */
export { holdoutSplit, kFold, type Split } from './split.ts';
export { crossValidate, type CrossValidation, type Metric } from './cross-validate.ts';
export { permutationImportance } from './permutation-importance.ts';
