/** Test-only exports: none yet beyond the public interface. */
export {};
