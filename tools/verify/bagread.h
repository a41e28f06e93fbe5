/*
 * bagread: reads an evidence package (a tar, possibly compressed, or an
 * extracted folder) once, hashing every file as it streams by.
 *
 * Why: ecc-verify must see every file of the package, including the ones
 * no manifest names, and must not hold a multi-GB segment in memory: each
 * file is hashed in blocks as it is read, and only the small tag files
 * (bagit.txt, bag-info.txt, the manifests, the signature, the time-stamp,
 * data/chain.json)
 * are kept whole.
 *
 * Thread: the caller's. Ownership: the table and its values belong to the
 * caller (g_hash_table_unref).
 */
#ifndef ECC_BAGREAD_H
#define ECC_BAGREAD_H

#include "ecc_evidence.h"

#include <glib.h>
#include <stdint.h>

struct bag_file {
	char hex[ECC_EV_HEX];
	uint64_t size;
	GBytes *content; /* the whole file, for tag files only; else NULL */
};

/*
 * Reads path (a folder, or a tar in any format libarchive reads). Returns
 * the files by their path relative to the bag's folder (the folder that
 * holds bagit.txt; files outside it keep their full name with "../" in
 * front), or NULL with *why (caller g_free()s).
 */
GHashTable *bagread(const char *path, char **why);

#endif
