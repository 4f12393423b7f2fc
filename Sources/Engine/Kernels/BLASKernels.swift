import CBLAS
#if canImport(Glibc)
import Glibc
#endif

extension BLAS {
    /// The kernel family OpenBLAS chose for this CPU (`SkylakeX`, `Haswell`, `Prescott`, …).
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The kernels OpenBLAS should use on a CPU it did not recognise, from the CPU's flags: `nil` when its own
    /// choice stands. OpenBLAS 0.3.21 (Debian 12) does not know the Xeon models sold as "Intel(R) Xeon(R)
    /// Processor" and falls back to its SSE3 `Prescott` kernels: 30 GFLOP/s on one core of such a machine against
    /// 151 GFLOP/s with `SkylakeX`, the same machine (`imagegen-bench sgemm`).
    public static func betterCoreType(chosen: String, cpuFlags: Set<String>) -> String? {
        guard ["Prescott", "Core2", "Penryn", "Nehalem", "unknown"].contains(chosen) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Call first thing in `main`: when OpenBLAS fell back to slow kernels on a CPU that has AVX2 or AVX-512 and
    /// `OPENBLAS_CORETYPE` is not set, runs this program again with it set (OpenBLAS reads it only when it is
    /// loaded, before `main`). Costs one `exec` (~10 ms) on such machines and nothing elsewhere.
    public static func useKernelsForThisCPU() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("IMAGEGEN_KEEP_BLAS_KERNELS") == nil,
              let better = betterCoreType(chosen: coreName, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: exec failed; carry on with OpenBLAS's own choice.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// The `flags` line of `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            if text.hasPrefix("flags") {
                return Set(text.split(separator: ":", maxSplits: 1).last?.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) ?? [])
            }
        }
        return []
    }
}
