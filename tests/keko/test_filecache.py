"""The default file cache counts its folder now and then, not before every write."""

import zlib
from unittest import mock

from django.core.cache.backends import filebased

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


def test_values_are_stored_at_the_fastest_compression_and_read_back(tmp_path):
    cache = file_cache(tmp_path, max_entries=100)
    page = ("<li>Esimerkkiyhdistys ry</li>" * 2000).encode(), "text/html; charset=utf-8"
    with mock.patch("zlib.compress", wraps=zlib.compress) as compress:
        cache.set("page", page)
    assert compress.call_args.args[1] == zlib.Z_BEST_SPEED
    assert cache.get("page") == page
    # What Django's own file cache wrote (default level) is read too.
    filebased.FileBasedCache(str(tmp_path), {}).set("old", page)
    assert cache.get("old") == page
