<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Teach Stable Diffusion your own concepts with Perfusion.</source>
        <translation>Stable Diffusion mit Perfusion eigene Konzepte beibringen.</translation>
    </message>
    <message>
        <source>Generate from this prompt once the model is loaded.</source>
        <translation>Nach dem Laden des Modells aus diesem Prompt erzeugen.</translation>
    </message>
    <message>
        <source>After the first generation, save the window to this file and quit.</source>
        <translation>Nach dem ersten Erzeugen das Fenster in diese Datei speichern und beenden.</translation>
    </message>
    <message>
        <source>Images per run for --prompt.</source>
        <translation>Bilder pro Lauf für --prompt.</translation>
    </message>
    <message>
        <source>A PNG saved by Perfusion Studio whose settings to restore.</source>
        <translation>Ein von Perfusion Studio gespeichertes PNG, dessen Einstellungen wiederhergestellt werden.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryModel</name>
    <message>
        <source>No base model is loaded to check this concept against.</source>
        <translation>Es ist kein Basismodell geladen, gegen das dieses Konzept geprüft werden könnte.</translation>
    </message>
    <message>
        <source>Usable with the loaded base model.</source>
        <translation>Mit dem geladenen Basismodell verwendbar.</translation>
    </message>
    <message>
        <source>Made for another base model (%1); it cannot be applied to the loaded one (%2).</source>
        <translation>Für ein anderes Basismodell erstellt (%1); es kann nicht auf das geladene (%2) angewendet werden.</translation>
    </message>
    <message>
        <source>%1 (%2)
created %3</source>
        <translation>%1 (%2)
erstellt am %3</translation>
    </message>
    <message>
        <source>%1 is not a usable concept file: %2</source>
        <translation>%1 ist keine verwendbare Konzeptdatei: %2</translation>
    </message>
    <message>
        <source>The library already has a concept %1.</source>
        <translation>Die Bibliothek enthält bereits ein Konzept %1.</translation>
    </message>
    <message>
        <source>Cannot create the library folder %1.</source>
        <translation>Der Bibliotheksordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The library already has a file %1.</source>
        <translation>Die Bibliothek enthält bereits eine Datei %1.</translation>
    </message>
    <message>
        <source>Could not copy %1 into the library: %2</source>
        <translation>%1 konnte nicht in die Bibliothek kopiert werden: %2</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryPanel</name>
    <message>
        <source>Insert</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Double-click a concept to insert its token into the prompt</source>
        <translation>Doppelklick auf ein Konzept fügt sein Token in den Prompt ein</translation>
    </message>
    <message>
        <source>No concepts yet.

Drop a concept file (.safetensors) here to import it.</source>
        <translation>Noch keine Konzepte.

Zum Importieren eine Konzeptdatei (.safetensors) hierher ziehen.</translation>
    </message>
    <message>
        <source>Insert the concept&apos;s token into the prompt</source>
        <translation>Das Token des Konzepts in den Prompt einfügen</translation>
    </message>
    <message>
        <source>Save a copy of the concept file</source>
        <translation>Eine Kopie der Konzeptdatei speichern</translation>
    </message>
    <message>
        <source>Remove the concept from the library</source>
        <translation>Das Konzept aus der Bibliothek entfernen</translation>
    </message>
    <message>
        <source>Export Concept</source>
        <translation>Konzept exportieren</translation>
    </message>
    <message>
        <source>Concept files (*.safetensors)</source>
        <translation>Konzeptdateien (*.safetensors)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Delete Concept</source>
        <translation>Konzept löschen</translation>
    </message>
    <message>
        <source>Delete the concept %1 from the library? Its file is removed.</source>
        <translation>Das Konzept %1 aus der Bibliothek löschen? Seine Datei wird entfernt.</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Import Concept</source>
        <translation>Konzept importieren</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::GenerationProgress</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>Step %1 of %2 · %3 left</source>
        <translation>Schritt %1 von %2 · noch %3</translation>
    </message>
    <message>
        <source>Step %1 of %2 · decoding</source>
        <translation>Schritt %1 von %2 · Dekodieren</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::MainWindow</name>
    <message>
        <source>Perfusion Studio</source>
        <translation>Perfusion Studio</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <source>Generate images from the prompt (Ctrl+Return)</source>
        <translation>Bilder aus dem Prompt erzeugen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Laufende Erzeugung anhalten (Esc)</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>Bild ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Save Image…</source>
        <translation>Bild &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Copy Image</source>
        <translation>Bild &amp;kopieren</translation>
    </message>
    <message>
        <source>Reuse &amp;Seed</source>
        <translation>&amp;Seed übernehmen</translation>
    </message>
    <message>
        <source>Lock the seed of this image for the next run</source>
        <translation>Den Seed dieses Bildes für den nächsten Lauf festhalten</translation>
    </message>
    <message>
        <source>Reuse Se&amp;ttings</source>
        <translation>Einstellungen ü&amp;bernehmen</translation>
    </message>
    <message>
        <source>Put the prompt and all settings of this image into the composer</source>
        <translation>Prompt und alle Einstellungen dieses Bildes in den Editor übernehmen</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About Perfusion Studio</source>
        <translation>Ü&amp;ber Perfusion Studio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>&amp;Bild</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Write a prompt and press Generate (Ctrl+Return).
Results appear here, and every run is kept in the history below.</source>
        <translation>Schreiben Sie einen Prompt und klicken Sie auf „Erzeugen“ (Strg+Eingabe).
Die Ergebnisse erscheinen hier, jeder Lauf bleibt unten im Verlauf erhalten.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Einstellungen öffnen…</translation>
    </message>
    <message>
        <source>Concept Library</source>
        <translation>Konzeptbibliothek</translation>
    </message>
    <message>
        <source>Encoding the prompt…</source>
        <translation>Prompt wird kodiert…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Erzeugen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;No base model is configured.&lt;/b&gt; Choose a Stable Diffusion 1.x checkpoint (a .safetensors file or a diffusers folder) in Settings to start generating.</source>
        <translation>&lt;b&gt;Kein Basismodell eingerichtet.&lt;/b&gt; Wählen Sie in den Einstellungen einen Stable-Diffusion-1.x-Checkpoint (eine .safetensors-Datei oder einen diffusers-Ordner), um Bilder zu erzeugen.</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Bereit.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The base model could not be loaded.&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Das Basismodell konnte nicht geladen werden.&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>Speicher: %1</translation>
    </message>
    <message>
        <source> · GPU: %1 of %2</source>
        <translation> · GPU: %1 von %2</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Settings restored from %1</source>
        <translation>Einstellungen aus %1 wiederhergestellt</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Image copied to the clipboard</source>
        <translation>Bild in die Zwischenablage kopiert</translation>
    </message>
    <message>
        <source>About Perfusion Studio</source>
        <translation>Über Perfusion Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Teaches Stable Diffusion 1.x models personal concepts with Perfusion (key-locked rank-one editing) and generates images with them.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Bringt Stable-Diffusion-1.x-Modellen mit Perfusion (schlüsselgebundene Rang-eins-Bearbeitung) persönliche Konzepte bei und erzeugt damit Bilder.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU GPL, Version 3 oder später.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 was made for another base model and cannot be applied to this one.</source>
        <translation>%1 wurde für ein anderes Basismodell erstellt und kann auf dieses nicht angewendet werden.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PngMetadata</name>
    <message>
        <source>This PNG carries no Perfusion Studio settings.</source>
        <translation>Dieses PNG enthält keine Einstellungen von Perfusion Studio.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PromptComposer</name>
    <message>
        <source>Describe the image, e.g. a photo of a cat sitting on a chair in the snow</source>
        <translation>Beschreiben Sie das Bild, z. B. a photo of a cat sitting on a chair in the snow</translation>
    </message>
    <message>
        <source>What to avoid (optional)</source>
        <translation>Was vermieden werden soll (optional)</translation>
    </message>
    <message>
        <source>Karras sigmas</source>
        <translation>Karras-Sigmas</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>Karras noise schedule (Euler and DPM++ 2M only)</source>
        <translation>Karras-Rauschplan (nur Euler und DPM++ 2M)</translation>
    </message>
    <message>
        <source>Classifier-free guidance: how strongly the image follows the prompt (1 or less: off)</source>
        <translation>Classifier-free Guidance: wie stark das Bild dem Prompt folgt (1 oder weniger: aus)</translation>
    </message>
    <message>
        <source>Draw a new seed for every run</source>
        <translation>Für jeden Lauf einen neuen Seed ziehen</translation>
    </message>
    <message>
        <source>Images per run</source>
        <translation>Bilder pro Lauf</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>&amp;Prompt</source>
        <translation>&amp;Prompt</translation>
    </message>
    <message>
        <source>&amp;Negative prompt</source>
        <translation>&amp;Negativer Prompt</translation>
    </message>
    <message>
        <source>Auto (%1)</source>
        <translation>Automatisch (%1)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>How the concepts in the prompt are weighed: towards Fidelity they look more like their photos, towards Alignment the image follows the rest of the prompt more. Releasing the slider regenerates with the same seed.</source>
        <translation>Wie stark die Konzepte im Prompt wirken: Richtung Treue ähneln sie ihren Fotos mehr, Richtung Prompttreue folgt das Bild mehr dem übrigen Prompt. Beim Loslassen des Reglers wird mit demselben Seed neu erzeugt.</translation>
    </message>
    <message>
        <source>Fidelity</source>
        <translation>Treue</translation>
    </message>
    <message>
        <source>Alignment</source>
        <translation>Prompttreue</translation>
    </message>
    <message>
        <source>Concepts</source>
        <translation>Konzepte</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultPanel</name>
    <message>
        <source>The parameters of the selected image appear here.</source>
        <translation>Hier erscheinen die Parameter des ausgewählten Bildes.</translation>
    </message>
    <message>
        <source>%1 × %2 · %3 · %4</source>
        <translation>%1 × %2 · %3 · %4</translation>
    </message>
    <message>
        <source>%1 × %2 · opened from %3</source>
        <translation>%1 × %2 · geöffnet aus %3</translation>
    </message>
    <message>
        <source>No image selected</source>
        <translation>Kein Bild ausgewählt</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultsModel</name>
    <message>
        <source>%1
Seed %2 · %3 steps · %4×%5</source>
        <translation>%1
Seed %2 · %3 Schritte · %4×%5</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Stable Diffusion 1.x: .safetensors file or diffusers folder</source>
        <translation>Stable Diffusion 1.x: .safetensors-Datei oder diffusers-Ordner</translation>
    </message>
    <message>
        <source>Only for single-file checkpoints</source>
        <translation>Nur für Checkpoints aus einer einzelnen Datei</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatisch (CUDA, falls vorhanden)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <source>Automatic (fp16 on CUDA, fp32 on CPU)</source>
        <translation>Automatisch (fp16 mit CUDA, fp32 auf der CPU)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>Datei…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>%1 is set: this session uses %2.</source>
        <translation>%1 ist gesetzt: Diese Sitzung verwendet %2.</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>A new language takes effect when the app restarts.</source>
        <translation>Eine neue Sprache wird nach dem Neustart der App wirksam.</translation>
    </message>
    <message>
        <source>Choose a checkpoint</source>
        <translation>Checkpoint wählen</translation>
    </message>
    <message>
        <source>Safetensors checkpoints (*.safetensors)</source>
        <translation>Safetensors-Checkpoints (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose a diffusers folder</source>
        <translation>diffusers-Ordner wählen</translation>
    </message>
    <message>
        <source>Choose a tokenizer folder</source>
        <translation>Tokenizer-Ordner wählen</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>Ausgabeordner wählen</translation>
    </message>
</context>
</TS>
