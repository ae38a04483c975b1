/* nvm/pb-json.h: any protobuf-c message as JSON text. Runs in: ocserv-nvm, occtl. */
#ifndef NVM_PB_JSON_H
#define NVM_PB_JSON_H

#include <protobuf-c/protobuf-c.h>
#include <talloc.h>

/*
 * Field names become keys; absent optional fields are left out; repeated fields become arrays;
 * strings are escaped (control bytes as \u00XX, other bytes as they are: the values are UTF-8
 * from the exporter or ours). indent < 0 prints one line. NULL on OOM.
 */
char *pb_json(TALLOC_CTX *mem_ctx, const ProtobufCMessage *msg, int indent);

#endif /* NVM_PB_JSON_H */
