INSERT INTO "escape" ("id","text","quote","empty","nothing","always_null","maybe","order","q""uote, col") VALUES
(1,'日本語','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(2,'comma, inside','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(3,'$$dollar$$','She said "hi", then left','',NULL,NULL,NULL,FALSE,1.5),
(4,'','She said "hi", then left','',NULL,NULL,'y,z',TRUE,1.5),
(5,'ends with a backslash\','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(6,'line separator','She said "hi", then left','',NULL,NULL,NULL,FALSE,1.5),
(7,'crlf
end','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(8,'crhere','She said "hi", then left','',NULL,NULL,'x',FALSE,1.5),
(9,'\N','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(10,'''; DROP TABLE escape; --','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(11,'"quoted"','She said "hi", then left','',NULL,NULL,NULL,FALSE,1.5),
(12,'NULL','She said "hi", then left','',NULL,NULL,'x',FALSE,1.5),
(13,'line1
line2','She said "hi", then left','',NULL,NULL,'y,z',TRUE,1.5),
(14,'  leading spaces','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(15,'semi;colon -- not a comment','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(16,'back\slash','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(17,'trailing space ','She said "hi", then left','',NULL,NULL,'y,z',FALSE,1.5),
(18,'é à ü','She said "hi", then left','',NULL,NULL,'y,z',FALSE,1.5),
(19,'ctlx','She said "hi", then left','',NULL,NULL,NULL,FALSE,1.5),
(20,'plain','She said "hi", then left','',NULL,NULL,'y,z',TRUE,1.5),
(21,'tab	here','She said "hi", then left','',NULL,NULL,'y,z',TRUE,1.5),
(22,'emoji 😀','She said "hi", then left','',NULL,NULL,'x',TRUE,1.5),
(23,'escaped 😀 pair','She said "hi", then left','',NULL,NULL,NULL,TRUE,1.5),
(24,'it''s','She said "hi", then left','',NULL,NULL,NULL,FALSE,1.5);
