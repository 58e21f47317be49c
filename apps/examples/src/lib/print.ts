/** The chapter's cells print a heading, the code they run (`> ...`) and what PyTorch prints. */
export function heading(title: string): void {
  console.log(`## ${title}`);
}

export function code(line: string): void {
  console.log(`> ${line}`);
}

/** Prints a value as PyTorch would: tensors and modules through their `toString`. */
export function show(value: unknown): void {
  console.log(Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
}
