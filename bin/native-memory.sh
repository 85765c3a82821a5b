# Sourced by ./drelu and ci/flink-cluster.sh: the glibc malloc settings of the JVMs that run libtorch.
#
# Why. libtorch takes every tensor from malloc and gives it back as soon as it dies, and an attack
# step on the Shallow CNN makes and frees several 25 MB tensors (250 x 32 x 28 x 28 floats). A JVM
# thread allocates from one of glibc's thread arenas, whose heaps are at most 64 MB: glibc deleted
# and re-created such a heap again and again (perf: a 128 MB mmap and a 64 MB munmap per step),
# and each new heap's pages were zeroed by the kernel on first touch. Whether that happened
# depended on where earlier allocations had landed: some JVMs took 3,700 page faults per PGD-20
# run over 1,000 images, others 300,000-1,100,000 (1-2.6 s of system time on a 7 s run), so the
# same attack ran at 130-175 img/s from one process to the next. With these settings glibc keeps
# what it got: no heap is deleted or shrunk (top_pad and trim_threshold), and tensors up to 32 MB,
# glibc's largest threshold, come from the heaps rather than from mmap. Every run then took
# 97-4,750 faults, and PGD-20 on the bench's CNN ran at 168 img/s median against 159 (16
# alternated runs each, 2026-12-04). Arithmetic is untouched: the attack's results had the same
# hash under both settings.
#
# The cost: freed native memory stays with the process until it exits (resident memory stays at
# its peak instead of dipping between tasks; `drelu bench` shows it flat). DRELU_MALLOC=default
# leaves glibc's own settings; a GLIBC_TUNABLES of the caller's keeps every key it sets.
DRELU_MALLOC_TUNABLES=(glibc.malloc.top_pad=134217728 glibc.malloc.mmap_threshold=33554432
  glibc.malloc.trim_threshold=17179869184)

# Prints the GLIBC_TUNABLES value to start a libtorch JVM with: the caller's own value, plus each of
# drelu's settings whose key the caller does not set.
drelu_glibc_tunables() {
  local value=${GLIBC_TUNABLES:-} setting
  if [ "${DRELU_MALLOC:-tuned}" != default ]; then
    for setting in "${DRELU_MALLOC_TUNABLES[@]}"; do
      case ":$value" in
        *":${setting%%=*}="*) ;; # the caller chose this one
        *) value=${value:+$value:}$setting ;;
      esac
    done
  fi
  printf '%s' "$value"
}
