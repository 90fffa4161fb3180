; Inno Setup script: per-user install of the one-folder build (dist\motcua_desk).
; Build the folder on Windows first:  .venv\Scripts\python installer\build.py --no-pack
; then compile this script with Inno Setup 6:  iscc installer\motcua_desk.iss
; User data (%LOCALAPPDATA%\motcua_desk: database, backups, archive, logs) is never removed
; by the uninstaller: it is the unit's record.

#define AppName "Phần mềm Một cửa (motcua_desk)"
#define AppVersion "0.1.0"

[Setup]
AppId={{6C1F3B1E-2E7A-4D8B-9C55-6F1D0A2B7C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=motcua_desk
DefaultDirName={localappdata}\Programs\motcua_desk
DefaultGroupName=Phần mềm Một cửa
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=motcua_desk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\motcua_desk.exe

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\motcua_desk\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Phần mềm Một cửa"; Filename: "{app}\motcua_desk.exe"
Name: "{userdesktop}\Phần mềm Một cửa"; Filename: "{app}\motcua_desk.exe"; Tasks: desktopicon
Name: "{group}\Gỡ cài đặt"; Filename: "{uninstallexe}"

[Tasks]
Name: "desktopicon"; Description: "Tạo biểu tượng trên màn hình"; Flags: unchecked

[Run]
Filename: "{app}\motcua_desk.exe"; Description: "Chạy phần mềm"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry for {localappdata}\motcua_desk on purpose: data is kept.
