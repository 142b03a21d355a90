"""Predefined XMP schemas (XMP Specification 2004 for PDF/A-1, 2005 for PDF/A-2/3) as data.

Each schema maps property names to value types written as in the XMP specification:
simple types (Text, Integer, Real, Boolean, Date, URI, URL, ...), "Lang Alt",
"Bag T"/"Seq T"/"Alt T" arrays, and structure types (ResourceRef, Dimensions, ...)
whose fields are listed in STRUCTS with their own namespace.
"""
from __future__ import annotations

NS_DC = "http://purl.org/dc/elements/1.1/"
NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
NS_XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
NS_XMP_BJ = "http://ns.adobe.com/xap/1.0/bj/"
NS_XMP_TPG = "http://ns.adobe.com/xap/1.0/t/pg/"
NS_XMP_DM = "http://ns.adobe.com/xmp/1.0/DynamicMedia/"
NS_PDF = "http://ns.adobe.com/pdf/1.3/"
NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
NS_TIFF = "http://ns.adobe.com/tiff/1.0/"
NS_EXIF = "http://ns.adobe.com/exif/1.0/"
NS_AUX = "http://ns.adobe.com/exif/1.0/aux/"
NS_CRS = "http://ns.adobe.com/camera-raw-settings/1.0/"
NS_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
NS_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
NS_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
NS_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
NS_PDFA_TYPE = "http://www.aiim.org/pdfa/ns/type#"
NS_PDFA_FIELD = "http://www.aiim.org/pdfa/ns/field#"
NS_ST_REF = "http://ns.adobe.com/xap/1.0/sType/ResourceRef#"
NS_ST_EVT = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
NS_ST_VER = "http://ns.adobe.com/xap/1.0/sType/Version#"
NS_ST_JOB = "http://ns.adobe.com/xap/1.0/sType/Job#"
NS_ST_DIM = "http://ns.adobe.com/xap/1.0/sType/Dimensions#"
NS_ST_FNT = "http://ns.adobe.com/xap/1.0/sType/Font#"
NS_XMP_G = "http://ns.adobe.com/xap/1.0/g/"
NS_XMP_GIMG = "http://ns.adobe.com/xap/1.0/g/img/"


def _table(text: str) -> dict[str, str]:
    """'Name: Type; Name2: Seq Type' → {'Name': 'Type', 'Name2': 'Seq Type'}."""
    out = {}
    for item in text.split(";"):
        key, _, value = item.strip().partition(":")
        if key:
            out[key.strip()] = value.strip()
    return out


_DC = _table("""contributor: Bag ProperName; coverage: Text; creator: Seq ProperName;
 date: Seq Date; description: Lang Alt; format: MIMEType; identifier: Text;
 language: Bag Locale; publisher: Bag ProperName; relation: Bag Text; rights: Lang Alt;
 source: Text; subject: Bag Text; title: Lang Alt; type: Bag Text""")
_XMP = _table("""Advisory: Bag Text; BaseURL: URL; CreateDate: Date; CreatorTool: AgentName;
 Identifier: Bag Text; MetadataDate: Date; ModifyDate: Date; Nickname: Text;
 Thumbnails: Alt Thumbnail""")
_XMP_2005 = dict(_XMP, **_table("Label: Text; Rating: Real"))
_XMP_RIGHTS = _table("""Certificate: URL; Marked: Boolean; Owner: Bag ProperName;
 UsageTerms: Lang Alt; WebStatement: URL""")
_XMP_MM = _table("""DerivedFrom: ResourceRef; DocumentID: URI; History: Seq ResourceEvent;
 ManagedFrom: ResourceRef; Manager: AgentName; ManageTo: URI; ManageUI: URI;
 ManagerVariant: Text; RenditionClass: RenditionClass; RenditionParams: Text;
 VersionID: Text; Versions: Seq Version; LastURL: URL; RenditionOf: ResourceRef;
 SaveID: Integer""")
_XMP_MM = dict(_XMP_MM, InstanceID="URI")
_XMP_MM_2005 = _XMP_MM
_XMP_BJ = _table("JobRef: Bag Job")
_XMP_TPG = _table("MaxPageSize: Dimensions; NPages: Integer")
_XMP_TPG_2005 = dict(_XMP_TPG, **_table("Fonts: Bag Font; Colorants: Seq Colorant; PlateNames: Seq Text"))
_PDF = _table("Keywords: Text; PDFVersion: Text; Producer: AgentName")
_PDF["Trapped"] = "Text"  # lenient: some PDF/A-1 writers record the Info Trapped entry
_PDF_2005 = _PDF
_PHOTOSHOP = _table("""AuthorsPosition: Text; CaptionWriter: ProperName; Category: Text;
 City: Text; Country: Text; Credit: Text; DateCreated: Date; Headline: Text;
 Instructions: Text; Source: Text; State: Text; SupplementalCategories: Bag Text;
 TransmissionReference: Text; Urgency: Integer""")
_PHOTOSHOP_2005 = dict(_PHOTOSHOP, **_table("ColorMode: Integer; ICCProfile: Text; History: Text;"
                                             " SupplementalCategories: Bag Text"))
_PHOTOSHOP["SupplementalCategories"] = "Text"  # XMP 2004: a single text
_TIFF = _table("""ImageWidth: Integer; ImageLength: Integer; BitsPerSample: Seq Integer;
 Compression: Integer; PhotometricInterpretation: Integer; Orientation: Integer;
 SamplesPerPixel: Integer; PlanarConfiguration: Integer; YCbCrSubSampling: Seq Integer;
 YCbCrPositioning: Integer; XResolution: Rational; YResolution: Rational;
 ResolutionUnit: Integer; TransferFunction: Seq Integer; WhitePoint: Seq Rational;
 PrimaryChromaticities: Seq Rational; YCbCrCoefficients: Seq Rational;
 ReferenceBlackWhite: Seq Rational; DateTime: Date; ImageDescription: Lang Alt;
 Make: ProperName; Model: ProperName; Software: AgentName; Artist: ProperName;
 Copyright: Lang Alt""")
_EXIF = _table("""ExifVersion: Text; FlashpixVersion: Text; ColorSpace: Integer;
 ComponentsConfiguration: Seq Integer; CompressedBitsPerPixel: Rational;
 PixelXDimension: Integer; PixelYDimension: Integer; UserComment: Lang Alt;
 RelatedSoundFile: Text; DateTimeOriginal: Date; DateTimeDigitized: Date;
 ExposureTime: Rational; FNumber: Rational; ExposureProgram: Integer;
 SpectralSensitivity: Text; ISOSpeedRatings: Seq Integer; OECF: OECF;
 ShutterSpeedValue: Rational; ApertureValue: Rational; BrightnessValue: Rational;
 ExposureBiasValue: Rational; MaxApertureValue: Rational; SubjectDistance: Rational;
 MeteringMode: Integer; LightSource: Integer; Flash: Flash; FocalLength: Rational;
 SubjectArea: Seq Integer; FlashEnergy: Rational; SpatialFrequencyResponse: OECF;
 FocalPlaneXResolution: Rational; FocalPlaneYResolution: Rational;
 FocalPlaneResolutionUnit: Integer; SubjectLocation: Seq Integer;
 ExposureIndex: Rational; SensingMethod: Integer; FileSource: Integer;
 SceneType: Integer; CFAPattern: CFAPattern; CustomRendered: Integer;
 ExposureMode: Integer; WhiteBalance: Integer; DigitalZoomRatio: Rational;
 FocalLengthIn35mmFilm: Integer; SceneCaptureType: Integer; GainControl: Integer;
 Contrast: Integer; Saturation: Integer; Sharpness: Integer;
 DeviceSettingDescription: DeviceSettings; SubjectDistanceRange: Integer;
 ImageUniqueID: Text; GPSVersionID: Text; GPSLatitude: GPSCoordinate;
 GPSLongitude: GPSCoordinate; GPSAltitudeRef: Integer; GPSAltitude: Rational;
 GPSTimeStamp: Date; GPSSatellites: Text; GPSStatus: Text; GPSMeasureMode: Integer;
 GPSDOP: Rational; GPSSpeedRef: Text; GPSSpeed: Rational; GPSTrackRef: Text;
 GPSTrack: Rational; GPSImgDirectionRef: Text; GPSImgDirection: Rational;
 GPSMapDatum: Text; GPSDestLatitude: GPSCoordinate; GPSDestLongitude: GPSCoordinate;
 GPSDestBearingRef: Text; GPSDestBearing: Rational; GPSDestDistanceRef: Text;
 GPSDestDistance: Rational; GPSProcessingMethod: Text; GPSAreaInformation: Text;
 GPSDifferential: Integer""")
_AUX = _table("Lens: Text; SerialNumber: Text")
_CRS = _table("""AutoBrightness: Boolean; AutoContrast: Boolean; AutoExposure: Boolean;
 AutoShadows: Boolean; BlueHue: Integer; BlueSaturation: Integer; Brightness: Integer;
 CameraProfile: Text; ChromaticAberrationB: Integer; ChromaticAberrationR: Integer;
 ColorNoiseReduction: Integer; Contrast: Integer; CropTop: Real; CropLeft: Real;
 CropBottom: Real; CropRight: Real; CropAngle: Real; CropWidth: Real; CropHeight: Real;
 CropUnits: Integer; Exposure: Real; GreenHue: Integer; GreenSaturation: Integer;
 HasCrop: Boolean; HasSettings: Boolean; LuminanceSmoothing: Integer; RawFileName: Text;
 RedHue: Integer; RedSaturation: Integer; Saturation: Integer; Shadows: Integer;
 ShadowTint: Integer; Sharpness: Integer; Temperature: Integer; Tint: Integer;
 ToneCurve: Seq Text; ToneCurveName: Text; Version: Text; VignetteAmount: Integer;
 VignetteMidpoint: Integer; WhiteBalance: Text""")
_XMP_DM = _table("""projectRef: ProjectLink; videoFrameRate: Text; videoFrameSize: Dimensions;
 videoPixelAspectRatio: Rational; videoPixelDepth: Text; videoColorSpace: Text;
 videoAlphaMode: Text; videoAlphaPremultipleColor: Colorant;
 videoAlphaUnityIsTransparent: Boolean; videoCompressor: Text; videoFieldOrder: Text;
 pullDown: Text; audioSampleRate: Integer; audioSampleType: Text; audioChannelType: Text;
 audioCompressor: Text; speakerPlacement: Text; fileDataRate: Rational; tapeName: Text;
 altTapeName: Text; startTimecode: Timecode; altTimecode: Timecode; duration: Time;
 scene: Text; shotName: Text; shotDate: Date; shotLocation: Text; logComment: Text;
 markers: Seq Marker; contributedMedia: Bag Media; absPeakAudioFilePath: URI;
 relativePeakAudioFilePath: URI; videoModDate: Date; audioModDate: Date;
 metadataModDate: Date; artist: Text; album: Text; trackNumber: Integer; genre: Text;
 copyright: Text; releaseDate: Date; composer: Text; engineer: Text; tempo: Real;
 instrument: Text; introTime: Time; outCue: Time; relativeTimestamp: Time; loop: Boolean;
 numberOfBeats: Real; key: Text; stretchMode: Text; timeScaleParams: timeScaleStretch;
 resampleParams: resampleStretch; beatSpliceParams: beatSpliceStretch;
 timeSignature: Text; scaleType: Text""")
_PDFAID_1 = _table("part: Integer; conformance: Text; amd: Text")
_PDFAID_2 = _table("part: Integer; conformance: Text; amd: Text; corr: Text")
_PDFA_EXTENSION = _table("schemas: Bag PDFASchema")

# Structure types: name -> (field namespace, {field: type})
STRUCTS: dict[str, tuple[str, dict[str, str]]] = {
    "ResourceRef": (NS_ST_REF, _table("""instanceID: URI; documentID: URI; versionID: Text;
        renditionClass: RenditionClass; renditionParams: Text; manager: AgentName;
        managerVariant: Text; manageTo: URI; manageUI: URI""")),
    "ResourceEvent": (NS_ST_EVT, _table("""action: Text; instanceID: URI; parameters: Text;
        softwareAgent: AgentName; when: Date""")),
    "Version": (NS_ST_VER, _table("""comments: Text; event: ResourceEvent; modifyDate: Date;
        modifier: ProperName; version: Text""")),
    "Job": (NS_ST_JOB, _table("name: Text; id: Text; url: URL")),
    "Dimensions": (NS_ST_DIM, _table("w: Real; h: Real; unit: Text")),
    "Thumbnail": (NS_XMP_GIMG, _table("height: Integer; width: Integer; format: Text; image: Text")),
    "Font": (NS_ST_FNT, _table("""fontName: Text; fontFamily: Text; fontFace: Text;
        fontType: Text; versionString: Text; composite: Boolean; fontFileName: Text;
        childFontFiles: Seq Text""")),
    "Colorant": (NS_XMP_G, _table("""swatchName: Text; mode: Text; type: Text; cyan: Real;
        magenta: Real; yellow: Real; black: Real; red: Integer; green: Integer;
        blue: Integer; L: Real; A: Integer; B: Integer""")),
    "Flash": (NS_EXIF, _table("""Fired: Boolean; Return: Integer; Mode: Integer; Function: Boolean;
        RedEyeMode: Boolean""")),
    "OECF": (NS_EXIF, _table("Columns: Integer; Rows: Integer; Names: Seq Text; Values: Seq Rational")),
    "CFAPattern": (NS_EXIF, _table("Columns: Integer; Rows: Integer; Values: Seq Integer")),
    "DeviceSettings": (NS_EXIF, _table("Columns: Integer; Rows: Integer; Settings: Seq Text")),
    "ProjectLink": (NS_XMP_DM, _table("type: Text; path: URI")),
    "Time": (NS_XMP_DM, _table("scale: Rational; value: Integer")),
    "Timecode": (NS_XMP_DM, _table("timeFormat: Text; timeValue: Text")),
    "Marker": (NS_XMP_DM, _table("""startTime: Text; duration: Text; comment: Text; name: Text;
        location: URI; target: Text; type: Text""")),
    "Media": (NS_XMP_DM, _table("""path: URI; track: Text; startTime: Time; duration: Time;
        managed: Boolean; webStatement: URI""")),
    "resampleStretch": (NS_XMP_DM, _table("quality: Text")),
    "timeScaleStretch": (NS_XMP_DM, _table("quality: Text; frameSize: Real; frameOverlappingPercentage: Real")),
    "beatSpliceStretch": (NS_XMP_DM, _table("""useFileBeatsMarker: Boolean; riseInDecibel: Real;
        riseInTimeDuration: Time""")),
}

# Schemas of the XMP 2004 specification (PDF/A-1) and of XMP 2005 (PDF/A-2 and -3).
SCHEMAS_2004: dict[str, dict[str, str]] = {
    NS_DC: _DC, NS_XMP: _XMP, NS_XMP_RIGHTS: _XMP_RIGHTS, NS_XMP_MM: _XMP_MM,
    NS_XMP_BJ: _XMP_BJ, NS_XMP_TPG: _XMP_TPG, NS_PDF: _PDF, NS_PHOTOSHOP: _PHOTOSHOP,
    NS_TIFF: _TIFF, NS_EXIF: _EXIF, NS_PDFAID: _PDFAID_1,
}
SCHEMAS_2005: dict[str, dict[str, str]] = {
    NS_DC: _DC, NS_XMP: _XMP_2005, NS_XMP_RIGHTS: _XMP_RIGHTS, NS_XMP_MM: _XMP_MM_2005,
    NS_XMP_BJ: _XMP_BJ, NS_XMP_TPG: _XMP_TPG_2005, NS_XMP_DM: _XMP_DM, NS_PDF: _PDF_2005,
    NS_PHOTOSHOP: _PHOTOSHOP_2005, NS_TIFF: _TIFF, NS_EXIF: _EXIF, NS_AUX: _AUX,
    NS_CRS: _CRS, NS_PDFAID: _PDFAID_2,
}

# Schemas of the extension-schema container (ISO 19005-1 6.7.8 / 19005-2 6.6.2.3.3).
EXTENSION_NAMESPACES = {NS_PDFA_EXTENSION, NS_PDFA_SCHEMA, NS_PDFA_PROPERTY, NS_PDFA_TYPE,
                        NS_PDFA_FIELD}
# ISO 19005-1 6.7.8 / 19005-2 6.6.2.3.3 fix the prefixes of the container schemas too.
EXTENSION_PREFIXES = {NS_PDFA_EXTENSION: "pdfaExtension", NS_PDFA_SCHEMA: "pdfaSchema",
                      NS_PDFA_PROPERTY: "pdfaProperty", NS_PDFA_TYPE: "pdfaType",
                      NS_PDFA_FIELD: "pdfaField"}


def predefined(part: int) -> dict[str, dict[str, str]]:
    return SCHEMAS_2004 if part == 1 else SCHEMAS_2005
