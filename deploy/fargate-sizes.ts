// The task sizes Fargate offers: the memory each CPU size takes.

/** Fargate's CPU units and the memory (MiB) each takes: [cpu, lowest, highest, step]. */
export const FARGATE_SIZES: Array<[number, number, number, number]> = [
  [256, 512, 2048, 0], // 512, 1024, 2048
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

export function fargateMemoryChoices(cpu: number): number[] {
  const size = FARGATE_SIZES.find(([units]) => units === cpu);
  if (!size) return [];
  const [, low, high, step] = size;
  if (step === 0) return [512, 1024, 2048];
  const choices: number[] = [];
  for (let memory = low; memory <= high; memory += step) choices.push(memory);
  return choices;
}

/** Choices as a short text: all of them, or the range and its step. */
export function describeChoices(choices: number[]): string {
  return choices.length <= 4
    ? choices.join(', ')
    : `${choices[0]} to ${choices[choices.length - 1]} in steps of ${choices[1] - choices[0]}`;
}
