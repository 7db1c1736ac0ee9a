"""The default file cache counts its folder now and then, not before every write."""

from unittest import mock

from keko.filecache import FileBasedCache


def file_cache(folder, max_entries):
    return FileBasedCache(
        str(folder), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}}
    )


def test_the_folder_is_counted_once_every_hundred_writes(tmp_path):
    cache = file_cache(tmp_path, max_entries=10_000)
    with mock.patch.object(cache, "_list_cache_files", wraps=cache._list_cache_files) as count:
        for n in range(250):
            cache.set(f"key-{n}", n)
    # At the first write, the 101st and the 201st.
    assert count.call_count == 3
    assert cache.get("key-249") == 249
    assert len(cache._list_cache_files()) == 250


def test_a_full_folder_is_still_culled(tmp_path):
    cache = file_cache(tmp_path, max_entries=20)
    for n in range(250):
        cache.set(f"key-{n}", n)
    # The count at the 201st write culled the folder to 10 entries (MAX_ENTRIES less
    # its CULL_FREQUENCY-th part); 50 writes followed.
    assert len(cache._list_cache_files()) == 10 + 50
    assert cache.get("key-249") == 249
