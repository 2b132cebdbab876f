/**
 * A value an extension point sets at most once: a second module setting it
 * is a configuration mistake that must fail startup rather than have one
 * module win silently.
 */
export class SetOnce<T> {
  private value?: T;

  constructor(private readonly what: string) {}

  set(value: T): void {
    if (this.value !== undefined) {
      throw new Error(`Cluster Access: ${this.what} has already been set`);
    }
    this.value = value;
  }

  get(): T | undefined {
    return this.value;
  }
}
