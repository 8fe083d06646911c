# cache-home.sh (sourced by scripts/): CACHE_HOME, the directory every script caches in (kernels,
# guests, L1 images, QEMU and kernel builds), as vmm's payload cache finds it
# (pcache_default_dir() in vmm/payload_cache.c): $VMM_CACHE_DIR, else $XDG_CACHE_HOME/vmm where
# that is absolute (the XDG base-directory specification: a relative one is invalid and ignored),
# else ~/.cache/vmm.
if [[ -n ${VMM_CACHE_DIR:-} ]]; then
    CACHE_HOME=$VMM_CACHE_DIR
elif [[ ${XDG_CACHE_HOME:-} == /* ]]; then
    CACHE_HOME=$XDG_CACHE_HOME/vmm
else
    CACHE_HOME=$HOME/.cache/vmm
fi
