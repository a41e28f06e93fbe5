/* mp4: top-level box walk of an MP4 file. */
#include "mp4.h"
#include "ecc_err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t be32(const unsigned char *p)
{
	return ((uint64_t)p[0] << 24) | ((uint64_t)p[1] << 16) | ((uint64_t)p[2] << 8) | p[3];
}

int ecc_mp4_layout(const char *path, struct ecc_mp4_layout *out)
{
	unsigned char h[16];
	struct stat st;
	uint64_t off = 0;
	bool moov = false;
	FILE *f;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0 || !(f = fopen(path, "rb")))
		return ECC_ERR_IO;
	out->file_bytes = (uint64_t)st.st_size;
	while (off + 8 <= out->file_bytes) {
		uint64_t size;
		if (fseeko(f, (off_t)off, SEEK_SET) != 0 || fread(h, 1, 8, f) != 8)
			break;
		size = be32(h);
		if (size == 1) { /* 64-bit size follows */
			if (fread(h + 8, 1, 8, f) != 8)
				break;
			size = (be32(h + 8) << 32) | be32(h + 12);
		} else if (size == 0) { /* to the end of the file */
			size = out->file_bytes - off;
		}
		if (size < 8 || off + size > out->file_bytes)
			break; /* a partial box: the file was cut here */
		if (!memcmp(h + 4, "moov", 4)) {
			moov = true;
			out->init_bytes = off + size;
		} else if (!memcmp(h + 4, "moof", 4)) {
			out->fragments++;
		} else if (!memcmp(h + 4, "mdat", 4)) {
			out->whole_bytes = off + size; /* a fragment ends with its mdat */
		}
		off += size;
	}
	fclose(f);
	if (out->whole_bytes < out->init_bytes)
		out->whole_bytes = out->init_bytes;
	return moov ? ECC_OK : ECC_ERR_INVAL;
}
