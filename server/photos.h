/*
 * photos: a photo an officer's handheld page sends with the reply to an
 * instruction, kept as evidence of the operation.
 *
 * Why: a reply "已到达，现场如图" is worth its picture, and a picture from the
 * field is evidence: it is stored once, under its SHA-256, next to the
 * database ([hub] database's folder, photos/), in a row that names the
 * instruction, the operation (the instruction's, or the one the officer's
 * unit is on), the unit and the user; the upload is in the audit log
 * (instruction.photo, detail {"photo","sha256","bytes","operation"}).
 * Only JPEG and PNG, at most ECC_UPLOAD_MAX bytes, checked by the declared
 * type and by the bytes themselves.
 *
 * Thread: the main loop. Ownership: JSON returned is the caller's.
 * Errors: ECC_ERR_NOTFOUND (no such instruction or photo), ECC_ERR_FORBIDDEN
 * (the instruction is not addressed to the user), ECC_ERR_INVAL (not a JPEG
 * or PNG; why says), ECC_ERR_IO, ECC_ERR_DB.
 */
#ifndef ECC_PHOTOS_H
#define ECC_PHOTOS_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Stores data (declared content_type) for instruction id from user; *out
 * gets the photo's JSON. */
int ecc_photos_add(struct ecc_hub *hub, int64_t instruction, const struct ecc_user *user,
                   const char *content_type, const void *data, size_t len, const char *ip,
                   cJSON **out, char why[ECC_WHY_LEN]);

/* The photos of an instruction, oldest first. NULL on a DB error. */
cJSON *ecc_photos_list(struct ecc_hub *hub, int64_t instruction);

/* One photo's file (caller g_free()s path) and content type (a static
 * string), and the instruction it answers. */
int ecc_photos_file(struct ecc_hub *hub, int64_t id, char **path, const char **content_type,
                    int64_t *instruction);

#endif
