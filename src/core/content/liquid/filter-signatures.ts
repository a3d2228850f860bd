/** How many arguments each filter takes (positional), for the runtime check and the strict template check. */
export interface FilterSignature { min: number; max: number }

export function filterSignature(name: string): FilterSignature | undefined {
  void name;
  return undefined;
}
