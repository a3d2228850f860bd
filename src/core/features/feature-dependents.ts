/**
 * What a batch run that writes a feature (RFM, model scores, CLV) must tell afterwards: no event
 * announces new scores, so the segments whose rules read the feature are re-evaluated
 * (the segment engine implements it).
 */
export interface FeatureDependents {
  recomputeUsing(uses: (feature: string) => boolean): Promise<unknown>;
}
